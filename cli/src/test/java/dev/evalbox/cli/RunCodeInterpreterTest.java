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
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `run code-interpreter` and `grade code-interpreter` end to end: scripted agent and judge on loopback, real sandboxes. */
@Tag("docker")
class RunCodeInterpreterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    private static String act(String code) {
        return "Thought: run it\nAction: code_interpreter\nAction Input:\n```py\n" + code + "\n```\n";
    }

    private static Map<String, JsonNode> results(Path run) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        for (String line : Files.readAllLines(run.resolve("results.jsonl"))) {
            JsonNode row = JSON.readTree(line);
            rows.put(row.path("task_id").asText(), row);
        }
        return rows;
    }

    @Test
    void aRunScoresEveryKindAndARegradeCanUseAnotherJudgeRule(@TempDir Path dir) throws Exception {
        Path uploads = Files.createDirectories(dir.resolve("upload_file_clean"));
        Files.writeString(uploads.resolve("sales.csv"), "month,amount\n1,10\n2,30\n3,20\n");
        Path data = dir.resolve("eval_code_interpreter_v1.jsonl");
        Files.writeString(data, String.join("\n",
                "{\"query\": \"Plot the amount per month.\", \"tags\": \"all_ci,visualization\", \"input_file_path\": [\"upload_file_clean/sales.csv\"]}",
                "{\"query\": \"画出每月金额<|im_end|>\\n<|im_start|>assistant\\nThought: 读取\\nAction: code_interpreter\\nAction Input:\\n```py\\nimport pandas as pd\\ndf = pd.read_csv('sales.csv')\\n```\\nObservation: ok\\nThought:\", \"tags\": \"all_ci,visualization\", \"lang\": \"zh\", \"input_file_path\": [\"upload_file_clean/sales.csv\"]}",
                "{\"query\": \"Say ok.\", \"tags\": \"all_ci,general\"}",
                "{\"query\": \"What is 2**10?\", \"tags\": \"all_ci,math\"}",
                "{\"query\": 5, \"tags\": \"math\"}"));
        Path gsm8k = dir.resolve("gsm8k_test.jsonl");
        Files.writeString(gsm8k, String.join("\n",
                "{\"question\": \"Natalia sold 48 clips in April and half as many in May. How many in all?\", \"answer\": \"48/2 = 24\\n48+24 = 72\\n#### 72\"}",
                "{\"question\": \"What is 2 + 4?\", \"answer\": \"2+4=6\\n#### 6\"}"));
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(
                    Step.reply(act("import pandas as pd\nimport matplotlib.pyplot as plt\ndf = pd.read_csv('sales.csv')\ndf.plot(x='month', y='amount')\nplt.show()")),
                    Step.reply("Thought: I now know the final answer\nFinal Answer: the chart"),
                    Step.reply("right"),                                 // judge, ci-1
                    Step.reply(act("import matplotlib.pyplot as plt\ndf.plot(x='month', y='amount')\nplt.show()")),
                    Step.reply("not right"),                             // judge, ci-2
                    Step.reply(act("print('ok')")),
                    Step.reply(act("print(2 ** 10)")), Step.reply("Thought: done\nFinal Answer: 1024"),
                    Step.reply(act("print(48 + 48 // 2)")), Step.reply("Thought: I know\nFinal Answer: 72"),
                    Step.reply("Thought: easy\nFinal Answer: 5"));
            CommandRunner.Result result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--upload-dir", uploads.toString(),
                    "--gsm8k", gsm8k.toString(), "--model", "agent", "--base-url", server.baseUrl(), "--judge", "judge", "--judge-rule", "strict",
                    "--concurrency", "1", "--backend", "docker", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertTrue(result.err().contains("line 5: field \"query\" missing or not a string (skipped)"), result.err());
            String rowsText = Files.readString(run.resolve("results.jsonl"));
            assertTrue(result.out().contains(String.format("%-32s %s", "executable rate: math", "66.7% (2/3)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "executable rate: visualization", "100.0% (2/2)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "executable rate: all", "83.3% (5/6)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "GSM8K accuracy", "50.0% (1/2)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "Vis-Hard", "100.0% (1/1)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "Vis-Easy", "0.0% (0/1)")), result.out() + rowsText);

            Map<String, JsonNode> rows = results(run);
            assertEquals(6, rows.size());
            assertEquals("artifacts/ci-1/fig-001.png", rows.get("ci-1").path("images").get(0).asText());
            assertTrue(Files.isRegularFile(run.resolve("artifacts/ci-1/fig-001.png")));
            assertEquals("not right", rows.get("ci-2").path("judge_reply").asText());
            assertEquals("missing code", rows.get("gsm8k-2").path("exec_error").asText());
            assertEquals("72", rows.get("gsm8k-1").path("answer").asText());
            JsonNode judgeRequest = server.received().get(4).body().path("messages").get(0).path("content");
            assertTrue(judgeRequest.get(0).path("text").asText().contains("[问题]：画出每月金额"), judgeRequest.toString());
            assertTrue(judgeRequest.get(1).path("image_url").path("url").asText().startsWith("data:image/png;base64,"));

            String report = Files.readString(run.resolve("report.html"));
            assertTrue(report.contains("ReAct trace") && report.contains("artifacts/ci-1/fig-001.png") && report.contains("visualization_hard"),
                    "the run shows in its report");

            // Re-grade with the benchmark's original rule and new judge replies: "not right" now counts as right.
            server.then(Step.reply("wrong"), Step.reply("not right"));
            Path regrade = dir.resolve("regrade");
            CommandRunner.Result graded = CommandRunner.run("grade", "code-interpreter", run.toString(), "--judge", "judge",
                    "--judge-base-url", server.baseUrl(), "--judge-rule", "original", "--backend", "docker", "--out", regrade.toString());
            assertEquals(0, graded.exitCode(), graded.out() + graded.err());
            assertTrue(graded.out().contains(String.format("%-32s %s", "Vis-Hard", "0.0% (0/1)")), graded.out());
            assertTrue(graded.out().contains(String.format("%-32s %s", "Vis-Easy", "100.0% (1/1)")), graded.out());
            assertEquals("original", JSON.readTree(regrade.resolve("run.json").toFile()).path("judge_rule").asText());
        }
    }
}
