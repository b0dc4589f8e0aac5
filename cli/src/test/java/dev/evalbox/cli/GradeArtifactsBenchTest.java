package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import dev.evalbox.unittests.artifactsbench.ChromiumRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `grade artifactsbench` end to end: real Chromium screenshots and a scripted judge on loopback. */
@Tag("chromium")
class GradeArtifactsBenchTest {
    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    private static String task(int index, String category, String difficulty) {
        return "{\"index\": " + index + ", \"question\": \"Build artifact " + index + "\", \"class\": \"" + category + "-Sub\", \"difficulty\": \""
                + difficulty + "\", \"checklist\": [{\"id\": 0, \"title\": \"Works\", \"description\": \"d\", \"maxScore\": 100}]}";
    }

    @Test
    void answersAreRenderedJudgedAndSummarised(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, String.join("\n", task(1, "Game Development", "easy"), task(2, "SVG Generation", "hard"),
                task(3, "Game Development", "hard")));
        Path answers = dir.resolve("answers.jsonl");
        Files.writeString(answers, String.join("\n",
                "{\"index\": 1, \"answer\": \"<think>plan</think>```html\\n<html><body><canvas id=c></canvas><script src='game.js'></script></body></html>\\n```\\n```javascript\\ndocument.body.style.background='#08f';\\n```\"}",
                "{\"index\": 2, \"output\": \"<svg xmlns='http://www.w3.org/2000/svg' width='100' height='100'><circle cx='50' cy='50' r='40' fill='red'/></svg>\"}",
                "{\"index\": 3, \"answer\": \"I would write a game but here is only prose.\"}"));
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("Nice. {\"Overall Score\": \"80\"}"), Step.reply("{\"总体打分\": \"60\"}"),
                    Step.reply("cannot score"), Step.reply("still nothing"), Step.reply("no"), Step.reply("none"));
            Path run = dir.resolve("run");
            CommandRunner.Result result = CommandRunner.run("grade", "artifactsbench", "--dataset", dataset.toString(), "--answers", answers.toString(),
                    "--judge", "judge", "--judge-base-url", server.baseUrl(), "--concurrency", "1", "--pages-in-flight", "1", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertTrue(result.out().contains("mean score: 70.0 over 2 scored task(s) of 3 answered; 1 unscored"), result.out());
            Map<String, JsonNode> rows = new HashMap<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(run.resolve("results.jsonl"))) rows.put(json.readTree(line).path("task_id").asText(), json.readTree(line));
            assertEquals("html", rows.get("1").path("page_type").asText());
            assertEquals(3, rows.get("1").path("screenshots").size());
            assertTrue(Files.isRegularFile(run.resolve(rows.get("1").path("screenshots").get(0).asText())));
            assertEquals("svg", rows.get("2").path("page_type").asText());
            assertEquals("none", rows.get("3").path("page_type").asText());
            assertTrue(rows.get("3").path("reason").asText().startsWith("unscored"), rows.get("3").toString());
            JsonNode firstCall = server.received().get(0).body().path("messages").get(0).path("content");
            assertEquals(4, firstCall.size(), "the prompt and three screenshots");
            JsonNode metrics = json.readTree(run.resolve("metrics.json").toFile());
            assertEquals(80.0, metrics.path("by_category").path("Game Development").path("mean_score").asDouble());
            assertEquals(60.0, metrics.path("by_difficulty").path("hard").path("mean_score").asDouble());
        }
    }
}
