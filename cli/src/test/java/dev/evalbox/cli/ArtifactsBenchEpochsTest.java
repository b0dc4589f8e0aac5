package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run artifactsbench --epochs`: a later epoch asks the model again (its answer is not epoch 1's from answers.jsonl,
 * even on --resume), keeps its replies in answers-epoch-N.jsonl, and the mean score is over each task's epochs.
 */
@Tag("chromium")
class ArtifactsBenchEpochsTest {

    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    @Test
    void aSecondEpochAddedOnResumeIsGeneratedAndJudgedAgain(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, "{\"index\": 11, \"question\": \"Draw a blue page.\", \"class\": \"Web Applications-X\", \"difficulty\": \"easy\","
                + " \"checklist\": [{\"id\": 0, \"title\": \"Blue\", \"description\": \"d\", \"maxScore\": 100}]}\n");
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("```html\n<html><body style='background:#00f'>one</body></html>\n```"), Step.reply("{\"Overall Score\": \"80\"}"));
            CommandRunner.Result first = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--judge", "judge", "--concurrency", "1", "--out", run.toString());
            assertEquals(0, first.exitCode(), first.err());

            server.then(Step.reply("```html\n<html><body style='background:#0f0'>two</body></html>\n```"), Step.reply("{\"Overall Score\": \"40\"}"));
            CommandRunner.Result second = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--judge", "judge", "--concurrency", "1", "--epochs", "2", "--resume", "--out", run.toString());
            assertEquals(0, second.exitCode(), second.err());
            assertEquals(4, server.received().size(), "epoch 2 asked the model and the judge again");
        }
        assertEquals(1, Files.readAllLines(run.resolve("answers.jsonl")).size(), "answers.jsonl is epoch 1's, in the reference's format");
        assertTrue(Files.readString(run.resolve("answers-epoch-2.jsonl")).contains("two"));
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals(60.0, metrics.path("mean_score").asDouble(), 1e-9, "the task's mean over its two epochs");
        assertEquals(2, metrics.path("epochs").path("count").asInt());
        assertTrue(metrics.path("epochs").path("pass@k").isMissingNode(), "no pass@k for scores");
        assertEquals(2, metrics.path("uncertainty").path("metrics").path("/mean_score").path("attempts").asInt());
        assertTrue(Files.isDirectory(run.resolve("artifacts/11/epoch-2")), "epoch 2's screenshots apart");
    }
}
