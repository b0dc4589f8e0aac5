package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `grade code-interpreter RUN` of a run made with --epochs re-grades every attempt: each (item, epoch) with its own
 * trace and its own figures, so the visualization judge is shown the figure that attempt drew (and nothing is asked
 * of the model again). Scripted agent and judge on loopback, real sandboxes.
 */
@Tag("docker")
class CodeInterpreterEpochsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    private static byte[] image(JsonNode judgeRequest) {
        String url = judgeRequest.path("messages").get(0).path("content").get(1).path("image_url").path("url").asText();
        return Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1));
    }

    @Test
    void aRegradeOfATwoEpochRunJudgesEachAttemptsOwnFigure(@TempDir Path dir) throws Exception {
        Path uploads = Files.createDirectories(dir.resolve("upload_file_clean"));
        Files.writeString(uploads.resolve("sales.csv"), "month,amount\n1,10\n2,30\n3,20\n");
        Path data = dir.resolve("eval_code_interpreter_v1.jsonl");
        Files.writeString(data, "{\"query\": \"Plot the amount per month.\", \"tags\": \"all_ci,visualization\", \"input_file_path\": [\"upload_file_clean/sales.csv\"]}\n");
        Path run = dir.resolve("run");
        Path regrade = dir.resolve("regrade");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(
                    Step.reply(RunCodeInterpreterTest.act("import pandas as pd\nimport matplotlib.pyplot as plt\ndf = pd.read_csv('sales.csv')\ndf.plot(x='month', y='amount')\nplt.show()")),
                    Step.reply("Thought: I now know the final answer\nFinal Answer: a line"),
                    Step.reply("right"),
                    Step.reply(RunCodeInterpreterTest.act("import pandas as pd\nimport matplotlib.pyplot as plt\ndf = pd.read_csv('sales.csv')\ndf.plot.bar(x='month', y='amount')\nplt.show()")),
                    Step.reply("Thought: I now know the final answer\nFinal Answer: some bars"),
                    Step.reply("not right"));
            CommandRunner.Result result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--upload-dir", uploads.toString(),
                    "--model", "agent", "--base-url", server.baseUrl(), "--judge", "judge", "--judge-rule", "strict",
                    "--concurrency", "1", "--epochs", "2", "--backend", "docker", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertEquals(6, server.received().size());
            byte[] line = Files.readAllBytes(run.resolve("artifacts/ci-1/fig-001.png"));
            byte[] bars = Files.readAllBytes(run.resolve("artifacts/ci-1/epoch-2/fig-001.png"));
            assertFalse(Arrays.equals(line, bars), "the two epochs drew different figures");
            List<String> traces = Files.readAllLines(run.resolve("traces.jsonl"));
            assertEquals(2, traces.size());
            assertTrue(JSON.readTree(traces.get(1)).path("epoch").asInt() == 2 && !JSON.readTree(traces.get(0)).has("epoch"),
                    "traces.jsonl says which line is epoch 2's: " + traces);

            // the re-grade asks the judge only: one call per attempt, each shown its attempt's own figure
            server.then(Step.reply("not right"), Step.reply("right"));
            CommandRunner.Result graded = CommandRunner.run("grade", "code-interpreter", run.toString(), "--judge", "judge",
                    "--judge-base-url", server.baseUrl(), "--judge-rule", "strict", "--backend", "docker", "--concurrency", "1",
                    "--out", regrade.toString());
            assertEquals(0, graded.exitCode(), graded.out() + graded.err());
            assertEquals(8, server.received().size(), "two judge calls and nothing else");
            assertArrayEquals(line, image(server.received().get(6).body()), "epoch 1's attempt is judged on its own figure");
            assertArrayEquals(bars, image(server.received().get(7).body()), "epoch 2's attempt is judged on its own figure");
        }
        Map<Integer, JsonNode> rows = new TreeMap<>();
        RunDirectory.readResults(regrade).forEach(r -> rows.put(r.path("epoch").asInt(), r));
        assertEquals(List.of(1, 2), List.copyOf(rows.keySet()));
        assertFalse(rows.get(1).path("passed").asBoolean(), rows.get(1).toString());
        assertTrue(rows.get(2).path("passed").asBoolean(), rows.get(2).toString());
        assertEquals("artifacts/ci-1/epoch-2/fig-001.png", rows.get(2).path("images").get(0).asText());
        assertTrue(Files.isRegularFile(regrade.resolve("artifacts/ci-1/epoch-2/fig-001.png")), "the figures are carried over, by epoch");
        List<String> traces = Files.readAllLines(regrade.resolve("traces.jsonl"));
        assertTrue(traces.get(1).contains("some bars") && JSON.readTree(traces.get(1)).path("epoch").asInt() == 2, traces.toString());

        // action replay runs each attempt's own cells again; epoch 2's observation names its figure in epoch-2/, as recorded
        Path acted = dir.resolve("replay-actions");
        CommandRunner.Result actions = CommandRunner.run("replay", run.toString(), "--actions", "--backend", "docker", "--out", acted.toString());
        assertEquals(0, actions.exitCode(), actions.out() + actions.err());
        assertTrue(actions.out().contains("2 of 2 attempts reproduced every observation"), actions.out() + Files.readString(acted.resolve("results.jsonl")));
        JsonNode secondReplay = RunDirectory.readResults(acted).stream().filter(r -> r.path("epoch").asInt() == 2).findFirst().orElseThrow();
        assertTrue(secondReplay.path("turns").get(0).path("replayed").asText().contains("artifacts/ci-1/epoch-2/fig-001.png"), secondReplay.toString());
    }
}
