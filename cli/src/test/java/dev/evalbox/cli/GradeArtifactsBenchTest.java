package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.evalbox.unittests.artifactsbench.ArtifactsGrading;
import dev.evalbox.unittests.report.ChromiumRequired;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `grade artifactsbench` end to end with a scripted judge on loopback: real Chromium screenshots; and an answers file
 * that covers part of the dataset, judged by a reasoning judge (prose answers, no browser needed).
 */
class GradeArtifactsBenchTest {
    private static String task(int index, String category, String difficulty) {
        return "{\"index\": " + index + ", \"question\": \"Build artifact " + index + "\", \"class\": \"" + category + "-Sub\", \"difficulty\": \""
                + difficulty + "\", \"checklist\": [{\"id\": 0, \"title\": \"Works\", \"description\": \"d\", \"maxScore\": 100}]}";
    }

    @Test
    @Tag("chromium")
    void answersAreRenderedJudgedAndSummarised(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
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

    @Test
    void tasksWithoutAnAnswerAreCountedApartAndTheReasoningJudgesFinalScoreCounts(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, String.join("\n", task(1, "Game Development", "easy"), task(2, "SVG Generation", "hard"),
                task(3, "Game Development", "hard"), task(4, "Web Applications", "medium"), task(5, "Web Applications", "easy")));
        Path answers = dir.resolve("answers.jsonl");
        // task 2's answer is empty after its thinking: the reference still judges it (on its text alone), so it is answered;
        // tasks 3 and 5 have no line at all
        Files.writeString(answers, String.join("\n",
                "{\"index\": 1, \"answer\": \"I would draw a maze with a player.\"}",
                "{\"index\": 2, \"answer\": \"<think>an svg, maybe</think>\"}",
                "{\"index\": 4, \"answer\": \"A form with a submit button.\"}"));
        String thinking = "<think>Draft: {\"Overall Score\": \"95\"}. No, the maze is only described.</think>";
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(thinking + "\nOnly prose.\n```json\n{\"总体打分\": \"20\"}\n```"),
                    Step.reply("<think>nothing to see</think>{\"Overall Score\": \"0\"}"),
                    Step.reply("<think>{\"Overall Score\": \"50\"}</think>"), Step.reply("no score"), Step.reply("none"), Step.reply("still none"));
            Path run = dir.resolve("run");
            CommandRunner.Result result = CommandRunner.run("grade", "artifactsbench", "--dataset", dataset.toString(), "--answers", answers.toString(),
                    "--judge", "judge", "--judge-base-url", server.baseUrl(), "--concurrency", "1", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertTrue(result.out().contains("mean score: 10.0 over 2 scored task(s) of 3 answered; 1 unscored"), result.out());
            assertTrue(result.out().contains("2 task(s) had no answer: left out of the metrics"), result.out());
            assertEquals(6, server.received().size(), "one call each for tasks 1 and 2, four for task 4; none for the tasks without an answer");

            ObjectMapper json = new ObjectMapper();
            Map<String, JsonNode> rows = new LinkedHashMap<>();
            for (String line : Files.readAllLines(run.resolve("results.jsonl"))) rows.put(json.readTree(line).path("task_id").asText(), json.readTree(line));
            assertEquals(List.of("1", "2", "3", "4", "5"), rows.keySet().stream().sorted().toList(), "every task of the dataset has a row");
            assertEquals(20.0, rows.get("1").path("score").asDouble(), "the final score, not the draft inside <think>");
            assertEquals("Only prose.\n```json\n{\"总体打分\": \"20\"}\n```", rows.get("1").path("judge_reply").asText(), "the reason as the reference keeps it");
            assertTrue(rows.get("1").path("judge_reply_full").asText().startsWith(thinking), "the whole reply is kept too");
            assertEquals(0.0, rows.get("2").path("score").asDouble());
            assertEquals(ArtifactsGrading.NO_ANSWER, rows.get("3").path("reason").asText());
            assertTrue(rows.get("4").path("score").isNull());
            assertEquals("still none", rows.get("4").path("judge_reply").asText(), "the last attempt's reply");
            assertEquals(4, rows.get("4").path("judge_attempts").asInt(), "its first reply's only score was inside <think>: asked again");
            assertEquals(ArtifactsGrading.NO_ANSWER, rows.get("5").path("reason").asText());

            JsonNode metrics = json.readTree(run.resolve("metrics.json").toFile());
            assertEquals(10.0, metrics.path("mean_score").asDouble());
            assertEquals(3, metrics.path("answered").asInt());
            assertEquals(2, metrics.path("scored").asInt());
            assertEquals(1, metrics.path("unscored").asInt());
            assertEquals(2, metrics.path("no_answer").asInt());
            assertFalse(metrics.path("by_category").has("Web Applications"), "task 4 is unscored and task 5 unanswered: neither is in a category's mean");
            assertEquals(1, metrics.path("by_difficulty").path("easy").path("tasks").asInt(), "task 5 (easy) had no answer");
            assertEquals(json.readTree(run.resolve("run.json").toFile()).path("metrics"), metrics);

            // every judge call is an event of the task's trajectory, after the recorded conversation (question, answer)
            List<JsonNode> events = new ArrayList<>();
            for (String line : Files.readAllLines(run.resolve("trajectories.jsonl"))) events.add(json.readTree(line));
            List<JsonNode> judgeCalls = events.stream().filter(e -> "judge_call".equals(e.path("type").asText())).toList();
            assertEquals(6, judgeCalls.size(), "as many judge_call events as calls the server received");
            assertEquals(4, judgeCalls.stream().filter(e -> "4".equals(e.path("task_id").asText())).count(), "task 4 was asked four times");
            assertEquals("judge", judgeCalls.get(0).path("model").asText());
            assertEquals("still none", judgeCalls.get(5).path("reply").asText());
            assertTrue(judgeCalls.get(0).path("prompt").asText().contains("I would draw a maze with a player."), "the prompt as sent");
            assertEquals(List.of("1", "2", "4"), events.stream().filter(e -> "task_started".equals(e.path("type").asText()))
                    .map(e -> e.path("task_id").asText()).toList(), "tasks without an answer have no conversation");
            assertEquals("A form with a submit button.", events.stream().filter(e -> "model_response".equals(e.path("type").asText())
                    && "4".equals(e.path("task_id").asText())).findFirst().orElseThrow().path("content").asText());

            String report = Files.readString(run.resolve("report.html"));
            assertTrue(report.contains("(2 scored, 1 unscored, of 3 answered tasks)"), report);
            assertTrue(report.contains("2 task(s) had no answer"), report);
            assertTrue(report.contains("<summary>the judge's whole reply, with its thinking</summary>"), "the thinking is in the report, folded");
        }
    }
}
