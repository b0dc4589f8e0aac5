package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `grade artifactsbench --from RUN --judge J2`: pages rendered once (a --render-only grade in real Chromium) are
 * judged later on the screenshots that run took, without rendering again; with --cache a second re-judging makes
 * no request at all.
 */
@Tag("chromium")
class RejudgeArtifactsBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String task(int index) {
        return "{\"index\": " + index + ", \"question\": \"Build artifact " + index + "\", \"class\": \"Game Development-Sub\", \"difficulty\": \"easy\","
                + " \"checklist\": [{\"id\": 0, \"title\": \"Works\", \"description\": \"d\", \"maxScore\": 100}]}";
    }

    private static Map<String, JsonNode> rows(Path run) {
        Map<String, JsonNode> rows = new HashMap<>();
        RunDirectory.readResults(run).forEach(r -> rows.put(r.path("task_id").asText(), r));
        return rows;
    }

    private static List<JsonNode> judgeCalls(Path run) throws Exception {
        List<JsonNode> calls = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("trajectories.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if ("judge_call".equals(event.path("type").asText())) calls.add(event);
        }
        return calls;
    }

    @Test
    void aRunsScreenshotsAreJudgedAgainWithoutRenderingAndACachedRejudgingAsksNothing(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, String.join("\n", task(1), task(2)));
        Path answers = dir.resolve("answers.jsonl");
        Files.writeString(answers, String.join("\n",
                "{\"index\": 1, \"answer\": \"```html\\n<html><body style='background:#08f'><h1>one</h1></body></html>\\n```\"}",
                "{\"index\": 2, \"answer\": \"Only prose, no page.\"}"));
        Path rendered = dir.resolve("rendered");
        CommandRunner.Result render = CommandRunner.run("grade", "artifactsbench", "--dataset", dataset.toString(), "--answers", answers.toString(),
                "--render-only", "--concurrency", "1", "--pages-in-flight", "1", "--out", rendered.toString());
        assertEquals(0, render.exitCode(), render.out() + render.err());
        JsonNode shots = rows(rendered).get("1").path("screenshots");
        assertEquals(3, shots.size(), rows(rendered).toString());
        // Mark the rendered run's screenshots: a judge that is shown these bytes was shown this run's files, not a new rendering.
        List<byte[]> marked = new ArrayList<>();
        for (int i = 0; i < shots.size(); i++) {
            byte[] bytes = ("marked screenshot " + i).getBytes();
            Files.write(rendered.resolve(shots.get(i).asText()), bytes);
            marked.add(bytes);
        }

        Path cache = dir.resolve("cache");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("{\"Overall Score\": \"70\"}"), Step.reply("{\"Overall Score\": \"10\"}"));
            Path rejudged = dir.resolve("rejudged");
            CommandRunner.Result first = CommandRunner.run("grade", "artifactsbench", "--from", rendered.toString(), "--judge", "j2",
                    "--judge-base-url", server.baseUrl(), "--concurrency", "1", "--cache", "--cache-dir", cache.toString(), "--out", rejudged.toString());
            assertEquals(0, first.exitCode(), first.out() + first.err());
            assertTrue(first.out().contains("mean score: 40.0 over 2 scored task(s) of 2 answered"), first.out());
            assertEquals(2, server.received().size(), "one judge call per task, and nothing else");
            JsonNode content = server.received().stream().map(r -> r.body().path("messages").get(0).path("content"))
                    .filter(JsonNode::isArray).findFirst().orElseThrow();
            assertEquals(4, content.size(), "the prompt and the run's three screenshots");
            for (int i = 0; i < 3; i++) {
                String url = content.get(i + 1).path("image_url").path("url").asText();
                assertArrayEquals(marked.get(i), Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)),
                        "the judge is shown the run's screenshot " + i + ", not a new rendering");
            }
            Map<String, JsonNode> rows = rows(rejudged);
            assertEquals(70.0, rows.get("1").path("score").asDouble());
            assertEquals("html", rows.get("1").path("page_type").asText());
            assertEquals(rendered.toAbsolutePath().toString(), rows.get("1").path("rendered_by").asText());
            assertArrayEquals(marked.get(0), Files.readAllBytes(rejudged.resolve(rows.get("1").path("screenshots").get(0).asText())),
                    "the screenshots are copied into the new run directory, which stands on its own");
            JsonNode record = RunRecordSchemaTest.assertValidRun(rejudged);
            assertEquals(rendered.toAbsolutePath().toString(), record.path("config").path("from").asText());
            assertEquals(dataset.toAbsolutePath().toString(), record.path("dataset").path("path").asText(), "the run's dataset by default");
            assertEquals(2, record.path("usage").path("judge").path("paid").path("calls").asInt());

            Path again = dir.resolve("again");
            CommandRunner.Result second = CommandRunner.run("grade", "artifactsbench", "--from", rendered.toString(), "--judge", "j2",
                    "--judge-base-url", server.baseUrl(), "--concurrency", "1", "--cache", "--cache-dir", cache.toString(), "--out", again.toString());
            assertEquals(0, second.exitCode(), second.out() + second.err());
            assertEquals(2, server.received().size(), "the same judge on the same screenshots: answered from the cache");
            assertEquals(rows.get("1").path("score"), rows(again).get("1").path("score"));
            assertEquals(rows.get("2").path("score"), rows(again).get("2").path("score"));
            assertTrue(judgeCalls(again).stream().allMatch(c -> c.path("cached").asBoolean()), judgeCalls(again).toString());
            JsonNode usage = RunRecordSchemaTest.assertValidRun(again).path("usage").path("judge");
            assertEquals(0, usage.path("paid").path("calls").asInt());
            assertEquals(2, usage.path("cached").path("calls").asInt());
        }

        CommandRunner.Result both = CommandRunner.run("grade", "artifactsbench", "--from", rendered.toString(), "--answers", answers.toString(),
                "--judge", "j2", "--out", dir.resolve("both").toString());
        assertTrue(both.exitCode() != 0 && both.err().contains("--from takes the answers of the run it judges again: leave out --answers"), both.err());
    }
}
