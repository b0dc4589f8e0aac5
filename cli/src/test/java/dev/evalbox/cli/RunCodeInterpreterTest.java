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

    /** A ReAct reply that runs {@code code}. */
    static String act(String code) {
        return "Thought: run it\nAction: code_interpreter\nAction Input:\n```py\n" + code + "\n```\n";
    }

    private static Map<String, JsonNode> results(Path run) throws Exception { return byTask(run.resolve("results.jsonl")); }

    /** The lines of a run's JSONL file by their task_id. */
    private static Map<String, JsonNode> byTask(Path jsonl) throws Exception {
        Map<String, JsonNode> rows = new HashMap<>();
        for (String line : Files.readAllLines(jsonl)) {
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
                    Step.reply("Thought: I now know the final answer\nFinal Answer: the chart"),
                    Step.reply("not right"),                             // judge, ci-2
                    Step.reply(act("print('ok')")),
                    Step.reply(act("print(2 ** 10)")),                   // a math item may run code once: no further call
                    Step.reply(act("print(48 + 48 // 2)")), Step.reply("Thought: I know\nFinal Answer: 72"),
                    Step.reply("Thought: easy\nFinal Answer: 5"));
            CommandRunner.Result result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--upload-dir", uploads.toString(),
                    "--gsm8k", gsm8k.toString(), "--model", "agent", "--base-url", server.baseUrl(), "--judge", "judge", "--judge-rule", "strict",
                    "--concurrency", "1", "--backend", "docker", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertTrue(result.err().contains("line 5: field \"query\" missing or not a string (skipped)"), result.err());
            String rowsText = Files.readString(run.resolve("results.jsonl")) + Files.readString(run.resolve("traces.jsonl"));
            assertTrue(result.out().contains(String.format("%-32s %s", "executable rate: math", "100.0% (1/1)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "executable rate: visualization", "100.0% (2/2)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "executable rate: all", "100.0% (4/4)")), result.out() + rowsText);
            assertTrue(result.out().contains(String.format("%-32s %s", "executable rate: gsm8k (evalbox)", "50.0% (1/2)")), result.out() + rowsText);
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
            JsonNode judgeRequest = server.received().get(5).body().path("messages").get(0).path("content");
            assertTrue(judgeRequest.get(0).path("text").asText().contains("[问题]：画出每月金额"), judgeRequest.toString());
            assertTrue(judgeRequest.get(1).path("image_url").path("url").asText().startsWith("data:image/png;base64,"));

            String report = Files.readString(run.resolve("report.html"));
            assertTrue(report.contains("ReAct trace") && report.contains("artifacts/ci-1/fig-001.png") && report.contains("visualization_hard"),
                    "the run shows in its report");

            // Action replay: each recorded cell runs again in a fresh sandbox holding the item's input files (an Easy
            // item's prefill first, not compared); these cells are deterministic, so every observation is reproduced,
            // the figure's path included.
            Path acted = dir.resolve("replay-actions");
            CommandRunner.Result actions = CommandRunner.run("replay", run.toString(), "--actions", "--backend", "docker",
                    "--out", acted.toString());
            assertEquals(0, actions.exitCode(), actions.out() + actions.err());
            assertTrue(actions.out().contains("6 of 6 tasks reproduced every observation"),
                    actions.out() + Files.readString(acted.resolve("results.jsonl")));
            JsonNode replayedPlot = results(acted).get("ci-1");
            assertEquals("all 1 observations reproduced", replayedPlot.path("reason").asText(), replayedPlot.toString());
            assertTrue(replayedPlot.path("turns").get(0).path("replayed").asText().contains("![fig-001](artifacts/ci-1/fig-001.png)"),
                    replayedPlot.toString());

            // Re-grade with the benchmark's original rule and new judge replies: "not right" now counts as right.
            // One item at a time, so that the scripted replies reach the items in order.
            server.then(Step.reply("wrong"), Step.reply("not right"));
            Path regrade = dir.resolve("regrade");
            CommandRunner.Result graded = CommandRunner.run("grade", "code-interpreter", run.toString(), "--judge", "judge",
                    "--judge-base-url", server.baseUrl(), "--judge-rule", "original", "--backend", "docker", "--concurrency", "1",
                    "--out", regrade.toString());
            assertEquals(0, graded.exitCode(), graded.out() + graded.err());
            assertTrue(graded.out().contains(String.format("%-32s %s", "Vis-Hard", "0.0% (0/1)")), graded.out());
            assertTrue(graded.out().contains(String.format("%-32s %s", "Vis-Easy", "100.0% (1/1)")), graded.out());
            assertEquals("original", JSON.readTree(regrade.resolve("run.json").toFile()).path("config").path("judge_rule").asText());
            String regradeReport = Files.readString(regrade.resolve("report.html"));
            assertTrue(regradeReport.contains("visualization_easy") && regradeReport.contains("Vis-Easy: 100.0% (1/1)"), "the re-grade writes its report with its metrics");
        }
    }

    /** Which item a model or judge request belongs to: the one whose question it carries. */
    private static String itemOf(JsonNode body, Map<String, String> questions) {
        JsonNode first = body.path("messages").get(0).path("content");
        String text = first.isArray() ? first.get(0).path("text").asText() : first.asText();
        String found = null;
        for (var q : questions.entrySet()) {
            if (text.contains(q.getValue())) {
                if (found != null) throw new AssertionError("a request names two items' questions: " + text);
                found = q.getKey();
            }
        }
        if (found == null) throw new AssertionError("a request names no item's question: " + text);
        return found;
    }

    private static Map<String, Integer> callsPerItem(ScriptedChatServer server, Map<String, String> questions) {
        Map<String, Integer> calls = new java.util.TreeMap<>();
        for (var received : server.received()) calls.merge(itemOf(received.body(), questions), 1, Integer::sum);
        return calls;
    }

    @Test
    void aWholeRunMakesTheModelAndJudgeCallsTheBenchmarksLoopMakes(@TempDir Path dir) throws Exception {
        Path uploads = Files.createDirectories(dir.resolve("upload_file_clean"));
        Files.writeString(uploads.resolve("sales.csv"), "month,amount\n1,10\n2,30\n3,20\n");
        Files.writeString(uploads.resolve("extra.csv"), "k,v\na,1\nb,2\n");
        String easyPrefill = "<|im_end|>\\n<|im_start|>assistant\\nThought: load\\nAction: code_interpreter\\nAction Input:\\n```py\\n"
                + "df = pd.read_csv('sales.csv')\\n```\\nObservation: ok\\nThought:";
        Path data = dir.resolve("eval_code_interpreter_v1.jsonl");
        Files.writeString(data, String.join("\n",
                "{\"query\": \"Q1 Plot the amount per month as a line.\", \"tags\": \"all_ci,visualization\", \"input_file_path\": [\"upload_file_clean/sales.csv\"]}",
                "{\"query\": \"Q2 Draw a sine curve.\", \"tags\": \"all_ci,visualization\"}",
                "{\"query\": \"Q3 画出每月金额" + easyPrefill + "\", \"tags\": \"all_ci,visualization\", \"lang\": \"zh\","
                        + " \"input_file_path\": [\"upload_file_clean/sales.csv\", \"upload_file_clean/extra.csv\"]}",
                "{\"query\": \"Q4 Plot the amounts" + easyPrefill + "\", \"tags\": \"all_ci,visualization\", \"input_file_path\": [\"upload_file_clean/sales.csv\"]}",
                "{\"query\": \"Q5 Say hello in Python.\", \"tags\": \"all_ci,general\"}",
                "{\"query\": \"Q6 What is in the file?\", \"tags\": \"all_ci,general\", \"input_file_path\": [\"upload_file_clean/sales.csv\"]}",
                "{\"query\": \"Q7 What is 2**10?\", \"tags\": \"all_ci,math\"}",
                "{\"query\": \"Q8 Name a colour.\", \"tags\": \"all_ci,general\"}"));
        Path gsm8k = dir.resolve("gsm8k_test.jsonl");
        Files.writeString(gsm8k, String.join("\n",
                "{\"question\": \"G1 Natalia sold 48 clips in April and half as many in May. How many in all?\", \"answer\": \"48+24 = 72\\n#### 72\"}",
                "{\"question\": \"G2 What is 2 + 4?\", \"answer\": \"#### 6\"}",
                "{\"question\": \"G3 What is 3 * 5?\", \"answer\": \"#### 15\"}"));
        Map<String, String> questions = new java.util.LinkedHashMap<>();
        questions.put("ci-1", "Q1 Plot");
        questions.put("ci-2", "Q2 Draw");
        questions.put("ci-3", "Q3 画出");
        questions.put("ci-4", "Q4 Plot");
        questions.put("ci-5", "Q5 Say");
        questions.put("ci-6", "Q6 What");
        questions.put("ci-7", "Q7 What");
        questions.put("ci-8", "Q8 Name");
        questions.put("gsm8k-1", "G1 Natalia");
        questions.put("gsm8k-2", "G2 What");
        questions.put("gsm8k-3", "G3 What");
        String finalAnswer = "Thought: I now know the final answer\nFinal Answer: done";
        Path run = dir.resolve("run");
        try (ScriptedChatServer model = new ScriptedChatServer(); ScriptedChatServer judge = new ScriptedChatServer()) {
            // Replies in the order the items run (the file's items, then GSM8K's), one item after another.
            model.then(
                    // ci-1
                    Step.reply(act("df = pd.read_csv('sales.csv')\nprint(df.shape)")), Step.reply(act("print(df.amount.sum())")),
                    Step.reply(act("df.plot(x='month', y='amount')\nplt.show()")),
                    // ci-2
                    Step.reply(act("x = np.linspace(0, 6, 50)\nplt.plot(x, np.sin(x))\nplt.show()")), Step.reply(finalAnswer),
                    // ci-3
                    Step.reply(act("print(len(df))")), Step.reply(act("extra = pd.read_csv('extra.csv')\nprint(extra.shape)")),
                    Step.reply(act("sns.barplot(data=df, x='month', y='amount')\nplt.show()")),
                    // ci-4
                    Step.reply(act("print('error: bad month')\nplt.plot(df.amount)\nplt.show()")),
                    // ci-5, ci-6, ci-7, ci-8
                    Step.reply(act("print('hello')")),
                    Step.reply("Thought: I can answer without code.\nFinal Answer: monthly sales"),
                    Step.reply(act("print(2 ** 10)")),
                    Step.reply("Thought: no tool needed\nAction: \nAction Input:\n```py\nprint('red')\n```\n"),
                    // gsm8k-1, gsm8k-2, gsm8k-3
                    Step.reply(act("print(48 + 48 // 2)")), Step.reply("Thought: I now know the final answer\nFinal Answer: 72"),
                    Step.reply(act("print('error: not a number')")),
                    Step.reply(act("a = 3")), Step.reply(act("b = 5")), Step.reply(act("print(a * b)")));
            // A call the benchmark would not make gets an answer that names it, rather than a slow 500.
            model.otherwise(Step.reply("Thought: unexpected call\nFinal Answer: unexpected"));
            judge.then(Step.reply("right"), Step.reply("right"), Step.reply("right"));
            judge.otherwise(Step.reply("unexpected judge call"));
            CommandRunner.Result result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--upload-dir", uploads.toString(),
                    "--gsm8k", gsm8k.toString(), "--task", "all", "--model", "agent", "--base-url", model.baseUrl(),
                    "--judge", "judge", "--judge-base-url", judge.baseUrl(), "--file-prefix", "generic",
                    "--concurrency", "1", "--backend", "docker", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());

            // What the benchmark's loop (inference_and_execute.py, llm_with_plugin) does with these replies.
            // exec_limit is 3 for an item whose tags contain "visualization" and 1 for any other item of
            // the file (process_code_interpreter), 3 for a GSM8K question (the default, process_gsm8k).
            // A query with "<|im_start|>" first runs its prefilled code: exec_count = 1, exec_limit + 1.
            // The model is called while exec_count < exec_limit; a reply with a non-empty Action runs
            // (exec_count + 1) and the loop breaks if the observation holds "error:" or "Traceback"; a
            // reply without one (or with an empty name) breaks the loop. The judge is called once per
            // visualization item whose trace shows an existing image from an observation without
            // "error:"/"Traceback" (metrics/visualization.py), never otherwise.
            Map<String, Integer> expectedModelCalls = new java.util.TreeMap<>(Map.ofEntries(
                    Map.entry("ci-1", 3),    // limit 3: three runs, then count 3 = limit, no fourth call
                    Map.entry("ci-2", 2),    // limit 3: one run (count 1), then a reply without Action: break
                    Map.entry("ci-3", 3),    // Easy: count 1, limit 4: three runs, count 4 = limit
                    Map.entry("ci-4", 1),    // Easy: count 1, limit 4: one run whose output holds "error:": break
                    Map.entry("ci-5", 1),    // general, limit 1: one run, count 1 = limit
                    Map.entry("ci-6", 1),    // general: no Action: break
                    Map.entry("ci-7", 1),    // math, limit 1 (not "visualization"): one run, count 1 = limit
                    Map.entry("ci-8", 1),    // "Action:" with an empty name is no action: break
                    Map.entry("gsm8k-1", 2), // limit 3: one run, then the final answer without Action: break
                    Map.entry("gsm8k-2", 1), // limit 3: the output "error: not a number" holds "error:": break
                    Map.entry("gsm8k-3", 3)  // limit 3: three runs, count 3 = limit
            ));
            Map<String, Integer> expectedJudgeCalls = new java.util.TreeMap<>(Map.of(
                    "ci-1", 1, "ci-2", 1, "ci-3", 1)); // ci-4's only figure follows "error:" in its observation: no call
            Map<String, JsonNode> traces = byTask(run.resolve("traces.jsonl"));
            String evidence = Files.readString(run.resolve("traces.jsonl"));
            assertEquals(expectedModelCalls, callsPerItem(model, questions), evidence);
            assertEquals(expectedJudgeCalls, callsPerItem(judge, questions), evidence);

            Map<String, String> expectedStops = Map.ofEntries(
                    Map.entry("ci-1", "3 execution_limit"), Map.entry("ci-2", "1 no_action"), Map.entry("ci-3", "4 execution_limit"),
                    Map.entry("ci-4", "2 error_observation"), Map.entry("ci-5", "1 execution_limit"), Map.entry("ci-6", "0 no_action"),
                    Map.entry("ci-7", "1 execution_limit"), Map.entry("ci-8", "0 no_action"), Map.entry("gsm8k-1", "1 no_action"),
                    Map.entry("gsm8k-2", "1 error_observation"), Map.entry("gsm8k-3", "3 execution_limit"));
            Map<String, String> stops = new HashMap<>();
            traces.forEach((task, t) -> stops.put(task, t.path("executions").asInt() + " " + t.path("stop_reason").asText()));
            assertEquals(expectedStops, stops, evidence);
            assertTrue(traces.get("ci-3").path("trace").asText().contains("stdout:\n\n```\n(2, 2)\n\n```"),
                    "the Easy item's model code read its second input file: " + traces.get("ci-3").path("trace").asText());

            // The generic (Llama) form of the file names, before each question in the model's first request.
            String firstOfCi3 = model.received().get(5).body().path("messages").get(0).path("content").asText();
            assertTrue(firstOfCi3.contains("\nQuestion: 文件`sales.csv`, `extra.csv`，Q3 画出每月金额"), firstOfCi3);
            String firstOfCi1 = model.received().get(0).body().path("messages").get(0).path("content").asText();
            assertTrue(firstOfCi1.endsWith("\nQuestion: File `sales.csv`. Q1 Plot the amount per month as a line."), firstOfCi1);
            assertEquals("generic", JSON.readTree(run.resolve("run.json").toFile()).path("config").path("file_prefix").asText());

            Map<String, JsonNode> rows = results(run);
            assertEquals(11, rows.size());
            assertEquals(true, rows.get("ci-3").path("passed").asBoolean());
            assertEquals(false, rows.get("ci-4").path("image_gate").asBoolean(true));
            assertTrue(result.out().contains(String.format("%-32s %s", "GSM8K accuracy", "33.3% (1/3)")), result.out());
        }
    }
}
