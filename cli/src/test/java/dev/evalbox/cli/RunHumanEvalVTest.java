package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.sandbox.DockerRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run humaneval-v` with a scripted model on loopback and grading in real sandboxes. */
@Tag("docker")
class RunHumanEvalVTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    private static Path dataset(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("img"));
        Files.write(dir.resolve("img/q.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Path data = dir.resolve("hv.jsonl");
        Files.writeString(data, String.join("\n",
                "{\"qid\": \"q1\", \"diagram\": \"img/q.png\", \"function_signature\": \"def solution(n: int) -> int:\\n\", \"test_script\": \"assert solution(3) == 9\\n\","
                        + " \"ground_truth_solution\": \"def solution(n):\\n    return n * n\"}",
                "{\"qid\": \"q2\", \"diagram\": \"img/q.png\", \"function_signature\": \"def solution(n: int) -> int:\\n\", \"test_script\": \"assert solution(2) == 3\\n\","
                        + " \"ground_truth_solution\": \"def solution(n):\\n    return n + 1\"}"));
        return data;
    }

    @Test
    void visualToCodeSendsTheImageGreedilyAndGrades(@TempDir Path dir) throws Exception {
        Path data = dataset(dir);
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("```python\ndef solution(n):\n    return n * n\n```"), Step.reply("```python\ndef solution(n):\n    return n\n```"));
            Path run = dir.resolve("run");
            CommandRunner.Result result = CommandRunner.run("run", "humaneval-v", "--data", data.toString(), "--model", "vlm",
                    "--base-url", server.baseUrl(), "--concurrency", "1", "--backend", "docker", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.err());
            assertTrue(result.out().contains("pass@1: 50.0"), result.out());
            JsonNode request = server.received().get(0).body();
            assertEquals(0.0, request.path("temperature").asDouble());
            assertEquals(2048, request.path("max_tokens").asInt());
            JsonNode content = request.path("messages").get(0).path("content");
            assertTrue(content.get(0).path("text").asText().contains("def solution(n: int) -> int:"), content.toString());
            assertEquals("data:image/png;base64,iVBORw==", content.get(1).path("image_url").path("url").asText());
            JsonNode reference = JSON.readTree(run.resolve("predictions.json").toFile());
            assertEquals("q1", reference.get(0).path("qid").asText());
            assertEquals(1, reference.get(0).path("predictions").size());
        }
    }

    @Test
    void visualToTextToCodeDescribesThenCodesFromTheDescription(@TempDir Path dir) throws Exception {
        Path data = dataset(dir);
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            // the second description fails (400, not retried): its code is still asked for, from no description
            server.then(Step.reply("the square of n"), Step.reply("```python\ndef solution(n):\n    return n * n\n```"),
                    Step.status(400, java.util.Map.of()), Step.reply("```python\ndef solution(n):\n    return n ** 2\n```"));
            Path run = dir.resolve("run");
            CommandRunner.Result result = CommandRunner.run("run", "humaneval-v", "--data", data.toString(), "--model", "vlm", "--setting", "v2t2c",
                    "--samples", "2", "--limit", "1", "--base-url", server.baseUrl(), "--concurrency", "1", "--backend", "docker",
                    "--out", run.toString(), "--k", "1");
            assertEquals(2, result.exitCode(), "--k is a grade option only: " + result.err());
            result = CommandRunner.run("run", "humaneval-v", "--data", data.toString(), "--model", "vlm", "--setting", "v2t2c",
                    "--samples", "2", "--limit", "1", "--base-url", server.baseUrl(), "--concurrency", "1", "--backend", "docker",
                    "--out", run.toString());
            assertEquals(0, result.exitCode(), result.err());
            assertEquals(0.8, server.received().get(0).body().path("temperature").asDouble(), "descriptions are sampled");
            assertEquals(0.0, server.received().get(1).body().path("temperature").asDouble(), "code from a description is greedy");
            assertTrue(server.received().get(1).body().path("messages").get(0).path("content").asText().contains("the square of n"));
            assertTrue(result.out().contains("pass@3: not reported (a task has fewer than k samples)   PSR: 100.0%   (1 tasks, 2 samples)"),
                    "with several samples the reference reports pass@3, which needs 3 samples: " + result.out());
            assertEquals(4, server.received().size(), "the loop went on after the failed call");
            JsonNode predictions = JSON.readTree(Files.readAllLines(run.resolve("predictions.jsonl")).get(0));
            assertEquals(1, predictions.path("model_errors").size(), predictions.toString());
            // the task's calls are one recorded loop: started once, four requests, the error, finished once
            List<JsonNode> events = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(run.resolve("trajectories.jsonl"))) events.add(JSON.readTree(line));
            assertEquals(List.of("task_started", "model_request", "model_response", "model_request", "model_response", "model_request", "error",
                    "model_request", "model_response", "task_finished"), events.stream().map(e -> e.path("type").asText()).toList());
            assertEquals("model_error", events.get(events.size() - 1).path("stop_reason").asText());
            List<String> samples = Files.readAllLines(run.resolve("results.jsonl"));
            assertEquals(2, samples.size(), "one line per sample");
            for (String line : samples) {
                assertTrue(JSON.readTree(line).path("passed").asBoolean(), line);
            }
        }
    }

    @Test
    void theReferenceModelGradesTheGroundTruth(@TempDir Path dir) throws Exception {
        CommandRunner.Result result = CommandRunner.run("run", "humaneval-v", "--data", dataset(dir).toString(), "--model", "reference",
                "--backend", "docker", "--out", dir.resolve("run").toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("pass@1: 100.0") && result.out().contains("every ground-truth solution passes"), result.out());
    }
}
