package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import dev.evalbox.unittests.report.ChromiumRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run artifactsbench` end to end: a scripted model and judge on loopback, real Chromium, a failed generation resumed. */
@Tag("chromium")
class RunArtifactsBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    @Test
    void theModelAnswersInOneTurnAndAFailedTaskIsAnsweredAndGradedOnResume(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, String.join("\n",
                "{\"index\": 11, \"question\": \"Draw a blue page.\", \"class\": \"Web Applications-X\", \"difficulty\": \"easy\","
                        + " \"checklist\": [{\"id\": 0, \"title\": \"Blue\", \"description\": \"d\", \"maxScore\": 100}]}",
                "{\"index\": 12, \"question\": \"Draw a circle.\", \"class\": \"SVG Generation-Y\", \"difficulty\": \"hard\","
                        + " \"checklist\": [{\"id\": 0, \"title\": \"Circle\", \"description\": \"d\", \"maxScore\": 100}]}"));
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            // each task is answered and then graded before the next (--concurrency 1): task 11's answer and judge call,
            // then task 12's generation, which fails
            server.then(Step.reply("<think>blue</think>Here:\n```html\n<html><body style='background:#00f'><h1>blue</h1></body></html>\n```"),
                    Step.reply("{\"Overall Score\": \"80\"}"),
                    Step.status(500, Map.of()));
            CommandRunner.Result first = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--max-attempts", "1", "--judge", "judge", "--concurrency", "1", "--out", run.toString());
            assertEquals(0, first.exitCode(), first.err());
            assertTrue(first.err().contains("task 12: model error"), first.err());
            assertTrue(first.out().contains("mean score: 80.0 over 1 scored task(s) of 1 answered; 0 unscored"), first.out());
            assertTrue(first.out().contains("1 task(s) had no answer"), "task 12's generation failed: " + first.out());
            JsonNode generation = server.received().get(0).body();
            assertEquals("coder", generation.path("model").asText());
            assertEquals(1, generation.path("messages").size(), "one user turn, no system prompt");
            assertEquals("Draw a blue page.", generation.path("messages").get(0).path("content").asText());
            JsonNode judgeCall = server.received().get(1).body();
            assertEquals("judge", judgeCall.path("model").asText(), "the judge runs on the model's server without --judge-base-url");
            assertEquals(4, judgeCall.path("messages").get(0).path("content").size(), "the prompt and three screenshots");

            server.then(Step.reply("<svg xmlns='http://www.w3.org/2000/svg' width='90' height='90'><circle cx='45' cy='45' r='40'/></svg>"),
                    Step.reply("{\"Overall Score\": \"60\"}"));
            CommandRunner.Result resumed = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--judge", "judge", "--concurrency", "1", "--out", run.toString(), "--resume");
            assertEquals(0, resumed.exitCode(), resumed.err());
            assertEquals(5, server.received().size(), "only task 12 was answered and judged again");
            assertTrue(resumed.out().contains("mean score: 70.0 over 2 scored task(s) of 2 answered; 0 unscored"), resumed.out());
            assertTrue(!resumed.out().contains("had no answer"), resumed.out());
        }
        List<String> answers = Files.readAllLines(run.resolve("answers.jsonl"));
        assertEquals(2, answers.size());
        JsonNode firstAnswer = JSON.readTree(answers.get(0));
        assertEquals(11, firstAnswer.path("index").asInt());
        assertTrue(firstAnswer.path("index").isNumber());
        assertEquals("Draw a blue page.", firstAnswer.path("question").asText());
        assertTrue(firstAnswer.path("answer").asText().startsWith("<think>blue</think>"), "the raw reply is kept");
        JsonNode metrics = JSON.readTree(run.resolve("metrics.json").toFile());
        assertEquals(60.0, metrics.path("by_category").path("SVG Generation").path("mean_score").asDouble());
        assertEquals(80.0, metrics.path("by_difficulty").path("easy").path("mean_score").asDouble());
        // the conversations and the judge calls are events: task 12's failed call, then its answer on resume
        List<JsonNode> events = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("trajectories.jsonl"))) events.add(JSON.readTree(line));
        List<String> task12 = events.stream().filter(e -> "12".equals(e.path("task_id").asText())).map(e -> e.path("type").asText()).toList();
        assertEquals(List.of("task_started", "model_request", "error", "task_finished",
                "task_started", "model_request", "model_response", "task_finished", "judge_call"), task12);
        assertEquals(2, events.stream().filter(e -> "judge_call".equals(e.path("type").asText())).count());
        JsonNode runJson = JSON.readTree(run.resolve("run.json").toFile());
        assertEquals("coder", runJson.path("model").path("name").asText());
        assertTrue(Files.isRegularFile(run.resolve("report.html")));
        assertTrue(Files.isRegularFile(run.resolve("artifacts/12/page_1.png")));
    }
}
