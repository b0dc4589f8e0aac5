package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.RecordedChatModel;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.EvalMode;
import dev.evalbox.unittests.eval.EvalTask;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.Metrics;
import dev.evalbox.unittests.eval.ModelOptions;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.TaskContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test of the spine's design: a whole benchmark in this one file (tasks, a one-turn attempt, scoring in
 * a sandbox, metrics), found by name and driven end to end by `evalbox run`, `--resume`, `report` and `replay`
 * without any other file of evalbox knowing it. docs/adding-a-benchmark.md walks through the same shape.
 */
@Tag("docker")
@ExtendWith(SumsRegistered.class)
class SingleFileBenchmarkTest {
    @BeforeAll
    static void dockerRequired() {
        DockerRequired.check();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Four sums; the model writes Python that prints the answer, which runs in a sandbox. */
    public static final class Sums implements Benchmark {
        record Task(String id, int a, int b) implements EvalTask {
            @Override
            public Map<String, String> metadata() { return Map.of("category", a + b > 10 ? "large" : "small"); }
        }

        /** The benchmark's options: the model and the sandbox, mixed in as every benchmark does. */
        public static final class Options {
            @picocli.CommandLine.Mixin ModelOptions model;
            @picocli.CommandLine.Mixin SandboxOptions sandbox;
        }

        private static final Pattern CODE = Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL);

        @Override public String name() { return "sums"; }

        @Override public String title() { return "Sums"; }

        @Override public String[] description(EvalMode mode) { return new String[] {"Add two numbers in Python: a test-only benchmark."}; }

        @Override public boolean supports(EvalMode mode) { return mode == EvalMode.RUN; }

        @Override public Object options(EvalMode mode) { return new Options(); }

        @Override
        public Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context) {
            Options given = (Options) options;
            // the model's server, behind the model-call cache when the run has --cache
            ChatModel server = context.cached(given.model.server());
            return new Evaluation<Task, String>() {
                @Override
                public List<Task> tasks() { return List.of(new Task("s1", 1, 2), new Task("s2", 20, 22), new Task("s3", 3, 4), new Task("s4", 5, 8)); }

                @Override
                public Optional<SandboxUse> sandboxes() { return Optional.of(new SandboxUse(given.sandbox, 1)); }

                @Override
                public String attempt(Task task, TaskContext context) {
                    List<ChatMessage> opening = List.of(ChatMessage.user("Print " + task.a() + " + " + task.b() + " with Python."));
                    context.trajectory().write(new TrajectoryEvent.TaskStarted(task.id(), Instant.now(), name(), given.model.model(), opening));
                    // forEpoch: the calls of this attempt (its epoch) are recorded and cached as this attempt's
                    String reply = new RecordedChatModel(server.forEpoch(context.epoch()), task.id(), context.trajectory())
                            .complete(new ChatRequest(opening, given.model.sampling())).text();
                    context.trajectory().write(new TrajectoryEvent.TaskFinished(task.id(), Instant.now(), "answered", 1, reply, Usage.NONE));
                    return reply;
                }

                @Override
                public List<ResultRow> score(Task task, String reply, TaskContext context) {
                    Matcher code = CODE.matcher(reply);
                    if (!code.find()) return List.of(ResultRow.passFail(task.id(), false, "no code block", RunDirectory.object()));
                    try (Sandbox sandbox = context.sandbox()) {
                        ExecutionResult result = sandbox.execute(code.group(1));
                        boolean passed = result.stdout().strip().equals(Integer.toString(task.a() + task.b()));
                        ObjectNode fields = RunDirectory.object().put("printed", result.stdout().strip());
                        return List.of(ResultRow.passFail(task.id(), passed, passed ? "" : "printed " + result.stdout().strip(), fields));
                    }
                }

                @Override
                public Metrics metrics(List<Task> tasks, List<JsonNode> rows) {
                    long passed = rows.stream().filter(r -> r.path("passed").asBoolean()).count();
                    double rate = 100.0 * passed / tasks.size();
                    return new Metrics(RunDirectory.object().put("tasks", tasks.size()).put("passed", passed).put("pass_rate", rate),
                            "pass_rate", List.of(String.format("Sums pass rate: %.1f%% (%d of %d)", rate, passed, tasks.size())));
                }

                @Override
                public void describe(RunRecord record) {
                    given.model.record(record, given.model.sampling());
                }
            };
        }
    }

    private static String answer(String code) { return "Here:\n```python\n" + code + "\n```"; }

    @Test
    void runsEndToEndThroughTheSpine(@TempDir Path dir) throws Exception {
        assertTrue(CommandRunner.run("run", "--help").out().contains("sums"), "the benchmark is listed by `evalbox run`");
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(answer("print(1 + 2)")), Step.reply(answer("print(20 * 2)")));
            CommandRunner.Result first = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(),
                    "--backend", "docker", "--concurrency", "1", "--limit", "2", "--out", run.toString());
            assertEquals(0, first.exitCode(), first.out() + first.err());
            server.then(Step.reply(answer("print(3 + 4)")), Step.reply("I cannot write code today."));
            CommandRunner.Result rest = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(),
                    "--backend", "docker", "--concurrency", "1", "--resume", "--out", run.toString());
            assertEquals(0, rest.exitCode(), rest.out() + rest.err());
            assertTrue(rest.out().contains("Sums pass rate: 50.0% (2 of 4)"), rest.out());
            assertEquals(4, server.received().size(), "the resumed run asks only for the two tasks not yet done");
        }
        List<JsonNode> rows = RunDirectory.readResults(run);
        assertEquals(List.of("s1", "s2", "s3", "s4"), rows.stream().map(r -> r.path("task_id").asText()).toList());
        assertEquals(List.of(true, false, true, false), rows.stream().map(r -> r.path("passed").asBoolean()).toList());
        assertEquals("printed 40", rows.get(1).path("reason").asText());
        assertEquals("large", rows.get(1).path("category").asText(), "the task's metadata is in its row");
        JsonNode record = RunRecordSchemaTest.assertValidRun(run);
        assertEquals("sums", record.path("benchmark").asText());
        assertEquals(50.0, record.path("metrics").path("pass_rate").asDouble());
        String events = Files.readString(run.resolve("trajectories.jsonl"));
        assertEquals(4, events.lines().filter(l -> l.contains("\"model_response\"")).count(), "every model call is on file");
        CommandRunner.Result report = CommandRunner.run("report", run.toString());
        assertEquals(0, report.exitCode(), report.out() + report.err());
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("s4") && html.contains("Sums"), "the report lists the tasks under the benchmark's title");
        RunRecordSchemaTest.assertReplays(run, 4);

        // A replay is a run on the runner too: one stopped after two tasks continues with --resume.
        Path replay = dir.resolve("replay-in-two");
        CommandRunner.Result firstTwo = CommandRunner.run("replay", run.toString(), "--limit", "2", "--out", replay.toString());
        assertEquals(0, firstTwo.exitCode(), firstTwo.out() + firstTwo.err());
        CommandRunner.Result resumed = CommandRunner.run("replay", run.toString(), "--resume", "--out", replay.toString());
        assertEquals(0, resumed.exitCode(), resumed.out() + resumed.err());
        assertTrue(resumed.err().contains("2 task(s) done, 2 to go"), resumed.err());
        // the first two tasks first; each pair in whichever order the two workers finished them
        List<String> replayed = RunDirectory.readResults(replay).stream().map(r -> r.path("task_id").asText()).toList();
        assertEquals(List.of("s1", "s2"), replayed.subList(0, 2).stream().sorted().toList(), replayed.toString());
        assertEquals(List.of("s1", "s2", "s3", "s4"), replayed.stream().sorted().toList());
        JsonNode replayRecord = RunRecordSchemaTest.assertValidRun(replay);
        assertEquals("replay", replayRecord.path("kind").asText());
        assertEquals("sums", replayRecord.path("config").path("source_benchmark").asText());
        assertTrue(resumed.out().contains("recorded verdicts: 2 of 4 passed"), resumed.out());
    }

    /** Runs each cell given after the kernel's name in a kernel started from that kernelspec; prints each cell's output. */
    private static final String KERNEL_CELLS = String.join("\n",
            "import sys, jupyter_client",
            "km, kc = jupyter_client.manager.start_new_kernel(kernel_name=sys.argv[1], startup_timeout=300)",
            "failed = False",
            "try:",
            "    for code in sys.argv[2:]:",
            "        out = []",
            "        def hook(msg):",
            "            kind, content = msg['msg_type'], msg['content']",
            "            if kind == 'stream': out.append(content['text'])",
            "            elif kind in ('execute_result', 'display_data'): out.append(content['data'].get('text/plain', ''))",
            "            elif kind == 'error': out.append('ERROR ' + content['ename'] + ': ' + content['evalue'])",
            "        reply = kc.execute_interactive(code, timeout=600, output_hook=hook)",
            "        print('--- ' + code)",
            "        print(''.join(out))",
            "        failed = failed or reply['content']['status'] != 'ok'",
            "finally:",
            "    kc.stop_channels()",
            "    km.shutdown_kernel(now=True)",
            "sys.exit(1 if failed else 0)");

    @Test
    void runsThroughTheKernelsEvalboxMagic(@TempDir Path dir) throws Exception {
        KernelJupyterToolsTest.requireTools();
        Path prefix = dir.resolve("jupyter");
        CommandRunner.Result installed = CommandRunner.run("kernel", "install", "--prefix", prefix.toString(), "--name", "evalbox-sums");
        assertEquals(0, installed.exitCode(), installed.err());
        Path run = dir.resolve("run");
        Path replay = dir.resolve("replay");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(answer("print(1 + 2)")), Step.reply(answer("print(20 * 2)")), Step.reply(answer("print(3 + 4)")),
                    Step.reply("I cannot write code today."));
            // The kernel is its own process: it finds the benchmark as any evalbox does, named in EVALBOX_BENCHMARKS.
            KernelJupyterToolsTest.Result cells = KernelJupyterToolsTest.run(List.of(KernelJupyterToolsTest.PYTHON, "-c", KERNEL_CELLS,
                            "evalbox-sums",
                            "%evalbox run sums --model m --base-url " + server.baseUrl() + " --backend docker --concurrency 1 --out " + run,
                            "%evalbox report " + run,
                            "%evalbox replay " + run + " --out " + replay),
                    dir, Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString(), Benchmarks.VARIABLE, Sums.class.getName()), 900);
            assertEquals(0, cells.exitCode(), cells.out());
            assertTrue(cells.out().contains("Sums pass rate: 50.0% (2 of 4)"), cells.out());
        }
        assertEquals(List.of(true, false, true, false), RunDirectory.readResults(run).stream().map(r -> r.path("passed").asBoolean()).toList());
        assertEquals("sums", RunRecordSchemaTest.assertValidRun(run).path("benchmark").asText());
        assertTrue(Files.readString(run.resolve("report.html")).contains("Sums"), "the report was written from the notebook");
        assertEquals(4, RunDirectory.readResults(replay).size(), "the replay from the notebook rebuilt every task");
    }
}
