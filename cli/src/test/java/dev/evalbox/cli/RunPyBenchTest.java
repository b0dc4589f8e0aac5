package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import dev.evalbox.sandbox.DockerRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full PyBench runs against real Docker sandboxes, driven by a real HTTP chat server on loopback
 * with scripted answers, on a small PyBench-shaped checkout written here (evalbox's own tasks and tests).
 */
@Tag("docker")
class RunPyBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    private static String code(String python) { return "Analyse: step.\n<|execute_start|>\n```python\n" + python + "\n```\n<|execute_end|>"; }

    static Path checkout(Path root, int tasks) throws Exception {
        Files.createDirectories(root.resolve("data/meta"));
        Files.createDirectories(root.resolve("data/unit_test"));
        Files.writeString(root.resolve("data/numbers.csv"), "n\n1\n2\n3\n");
        StringBuilder json = new StringBuilder("[");
        for (int i = 1; i <= tasks; i++) {
            if (i > 1) json.append(',');
            json.append("{\"index\": \"").append(i).append("\", \"category1\": \"cat").append(i % 2).append("\", \"category2\": \"\",")
                    .append(" \"category3\": \"\", \"user\": \"Task ").append(i).append(": save to ./output/").append(i).append(".txt\",")
                    .append(" \"file_paths\": [\"./data/numbers.csv\"], \"attachments\": [\"numbers\"]}");
        }
        Files.writeString(root.resolve("data/meta/task.json"), json.append(']').toString());
        Files.writeString(root.resolve("data/unit_test/tests.py"), String.join("\n",
                "import os",
                "def test_task_1(trajectory):",
                "    assert open('./output/1.txt').read() == '6'",
                "def test_task_2(trajectory):",
                "    assert 'nothing' in trajectory[-1]['content']",
                "def test_task_3(trajectory):",
                "    assert '45' in trajectory[-1]['content']",
                "def test_task_4(trajectory):",
                "    assert os.path.exists('./output/4.txt')",
                "def test_task_5(trajectory):",
                "    assert os.path.exists('./output/5.txt')",
                "def test_task_6(trajectory):",
                "    assert open('./output/6.txt').read() == 'big'",
                ""));
        return root;
    }

    @Test
    void aFullRunRecordsEveryTaskWhateverTheServerDoes(@TempDir Path dir) throws Exception {
        Path pybench = checkout(dir.resolve("pybench"), 6);
        String filler = "y".repeat(2 * 1024 * 1024);
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(
                    // task 1: a bug, a fix, then the answer
                    Step.reply(code("total = sum(int(n) for n in open('./data/numbers.csv').read().split()[1:])\nopen('./output/1.txt','w').write(str(totl))")),
                    Step.reply(code("open('./output/1.txt','w').write(str(total))")),
                    Step.reply("Finished: wrote 6"),
                    // task 2: rate limited once, then an answer without code
                    Step.status(429, Map.of("Retry-After", "1")),
                    Step.reply("Finished: nothing to do"),
                    // task 3: two server errors, then code and an answer
                    Step.status(500, Map.of()), Step.status(503, Map.of()),
                    Step.reply(code("print(sum(range(10)))")),
                    Step.reply("Finished: 45"),
                    // task 4: a stall past the model timeout, then code that never ends, then giving up
                    Step.reply("too late").after(Duration.ofSeconds(4)),
                    Step.reply(code("while True:\n    pass")),
                    Step.reply("Finished: gave up"),
                    // task 5: a malformed answer (a model error: the task stops there)
                    Step.raw("{\"choices\": [ {\"message\": "),
                    // task 6: a 2 MB reply with code in it
                    Step.reply(filler + "\n" + code("open('./output/6.txt','w').write('big')") + "\n" + filler),
                    Step.reply("Finished: done"));
            Path out = dir.resolve("run");
            // 10 s per cell: ample for every cell here on a loaded 2-CPU machine (the task's code avoids pandas, whose
            // import alone took over 3 s under load); only task 4's endless loop uses it up.
            CommandRunner.Result result = CommandRunner.run("run", "pybench", "--pybench-dir", pybench.toString(),
                    "--model", "scripted", "--base-url", server.baseUrl(), "--backend", "docker", "--concurrency", "1",
                    "--timeout", "10", "--model-timeout", "2", "--max-attempts", "4", "--out", out.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());

            Map<String, JsonNode> rows = new HashMap<>();
            for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
                JsonNode row = JSON.readTree(line);
                rows.put(row.path("task_id").asText(), row);
            }
            assertEquals(6, rows.size());
            assertEquals("Pass", rows.get("1").path("verdict").asText(), rows.get("1").toString());
            assertEquals(3, rows.get("1").path("turns").asInt());
            assertEquals("Pass", rows.get("2").path("verdict").asText(), rows.get("2").toString());
            assertEquals("no_code", rows.get("2").path("stop_reason").asText());
            assertEquals("Pass", rows.get("3").path("verdict").asText(), rows.get("3").toString());
            assertEquals("Failed:AssertionError", rows.get("4").path("verdict").asText());
            assertEquals("model_error", rows.get("5").path("stop_reason").asText());
            assertEquals("Failed:AssertionError", rows.get("5").path("verdict").asText());
            assertEquals("Pass", rows.get("6").path("verdict").asText(), rows.get("6").toString());
            assertTrue(result.out().contains("PyBench pass rate: 66.7% (4 of 6 tasks)"), result.out());

            // The conversation of task 1 in PyBench's format: the three opening messages, then replies and observations.
            List<String> lines = Files.readAllLines(out.resolve("pybench_trajectory.jsonl"));
            JsonNode task1 = JSON.readTree(lines.get(0)).path("messages");
            assertEquals("[INFO]The data is uploaded to ./data/numbers.csv", task1.get(1).path("content").asText());
            assertEquals("[INFO]This is a Code Interpreter Message:\nThere are some errors in the code. All variables in this cell"
                    + " should be redefined. Please Debug:\nError: NameError\nname 'totl' is not defined\n", task1.get(4).path("content").asText());
            assertEquals("Finished: wrote 6", task1.get(task1.size() - 1).path("content").asText());
            JsonNode task4 = JSON.readTree(lines.get(3)).path("messages");
            assertTrue(task4.get(4).path("content").asText().contains("Error: KeyboardInterrupt"), task4.get(4).toString());
            assertEquals("6", Files.readString(out.resolve("artifacts/1/1.txt")));
            assertEquals("6", Files.readString(out.resolve("output/1.txt")));

            // The evalbox trajectory has the typed events, including the model error of task 5 and usage.
            String events = Files.readString(out.resolve("trajectories.jsonl"));
            assertTrue(events.contains("\"type\":\"error\",\"task_id\":\"5\""), "model error recorded");
            assertTrue(events.contains("\"prompt_tokens\":11"), "usage recorded");
            assertTrue(!events.contains("Authorization"), "no credentials in the trajectory");
            // Observation replay rebuilds conversations and verdicts with no model and no sandbox.
            Path observed = dir.resolve("replay-observations");
            CommandRunner.Result replay = CommandRunner.run("replay", out.toString(), "--out", observed.toString());
            assertEquals(0, replay.exitCode(), replay.err());
            assertTrue(replay.out().contains("recorded verdicts: 4 of 6 passed"), replay.out());
            assertEquals(6, Files.readAllLines(observed.resolve("results.jsonl")).size());
            // Action replay re-executes the recorded code: this run is deterministic, so every observation reproduces.
            Path acted = dir.resolve("replay-actions");
            CommandRunner.Result actions = CommandRunner.run("replay", out.toString(), "--actions",
                    "--backend", "docker", "--timeout", "10", "--out", acted.toString());
            assertEquals(0, actions.exitCode(), actions.err());
            assertTrue(actions.out().contains("6 of 6 tasks reproduced every observation"), actions.out());

            JsonNode request = server.received().get(0).body();
            assertEquals("scripted", request.path("model").asText());
            assertEquals(3, request.path("messages").size());
        }
    }

    @Test
    void aRunStoppedOrKilledMidwayResumesWithoutLosingOrRepeatingTasks(@TempDir Path dir) throws Exception {
        Path pybench = checkout(dir.resolve("pybench"), 6);
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.otherwise(Step.reply("Finished: nothing").after(Duration.ofMillis(700)));
            Path out = dir.resolve("run");
            List<String> args = List.of("run", "pybench", "--pybench-dir", pybench.toString(), "--model", "scripted",
                    "--base-url", server.baseUrl(), "--backend", "docker", "--concurrency", "1", "--out", out.toString());

            // Like Ctrl-C: SIGTERM runs the shutdown hooks, which say how to go on and remove the sandboxes.
            String log = runUntilResults(dir, args, 1, false);
            assertTrue(log.contains("interrupted: ") && log.contains("--resume"), log);
            // kill -9: no hook runs at all.
            List<String> resume = new java.util.ArrayList<>(args);
            resume.add("--resume");
            runUntilResults(dir, resume, 3, true);
            int before = Files.readAllLines(out.resolve("results.jsonl")).size();
            assertTrue(before >= 3 && before < 6, "killed midway, with " + before + " results");

            CommandRunner.Result resumed = CommandRunner.run(resume.toArray(String[]::new));
            assertEquals(0, resumed.exitCode(), resumed.err());
            assertTrue(resumed.err().contains("resuming"), resumed.err());
            List<String> ids = Files.readAllLines(out.resolve("results.jsonl")).stream()
                    .map(line -> { try { return JSON.readTree(line).path("task_id").asText(); } catch (Exception e) { throw new IllegalStateException(line); } })
                    .sorted().toList();
            assertEquals(List.of("1", "2", "3", "4", "5", "6"), ids, "every task exactly once");
            CommandRunner.Result again = CommandRunner.run("run", "pybench", "--pybench-dir", pybench.toString(), "--model", "x",
                    "--backend", "docker", "--out", out.toString());
            assertEquals(1, again.exitCode());
            assertTrue(again.err().contains("already holds a run: add --resume"), again.err());
        }
    }

    /** Runs the CLI in a child JVM until results.jsonl has {@code lines} lines, then stops it (SIGTERM or SIGKILL); returns its output. */
    private static String runUntilResults(Path dir, List<String> args, int lines, boolean kill9) throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new java.util.ArrayList<>(List.of(javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        Path log = Files.createTempFile(dir, "child", ".log");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path results = Path.of(args.get(args.indexOf("--out") + 1)).resolve("results.jsonl");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(Files.exists(results) && Files.readAllLines(results).size() >= lines)) {
                if (System.nanoTime() > deadline || !child.isAlive()) fail("the run did not get going: " + Files.readString(log));
                Thread.sleep(100);
            }
            if (kill9) child.destroyForcibly(); else child.destroy();
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the run stopped");
        } finally {
            child.destroyForcibly();
        }
        return Files.readString(log);
    }
}
