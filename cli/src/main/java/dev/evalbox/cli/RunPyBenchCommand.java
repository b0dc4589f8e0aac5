package dev.evalbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.loop.AgentLoop;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ReplayChatModel;
import dev.evalbox.unittests.pybench.RecordedTrajectories;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.pybench.GradeResult;
import dev.evalbox.unittests.pybench.PyBenchCategories;
import dev.evalbox.unittests.pybench.PyBenchGrader;
import dev.evalbox.unittests.pybench.PyBenchProtocol;
import dev.evalbox.unittests.pybench.PyBenchRun;
import dev.evalbox.unittests.pybench.PyBenchSummary;
import dev.evalbox.unittests.pybench.PyBenchTask;
import dev.evalbox.unittests.pybench.PyBenchTasks;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox run pybench`: the model through PyBench's code-interpreter loop, each task in a fresh sandbox, graded as it ends. */
@Command(name = "pybench", mixinStandardHelpOptions = true,
        description = {"Run PyBench: each task in a fresh sandbox holding its inputs in data/ and an empty output/,",
                "the model driven through PyBench's protocol (10 turns, first ```python block, its observation format),",
                "then graded with the checkout's data/unit_test/tests.py. Ctrl-C stops; --resume continues."})
final class RunPyBenchCommand implements Callable<Integer> {
    @Mixin PyBenchOptions pybench;

    @Mixin ModelOptions modelOptions;
    @Mixin RunOptions runOptions;
    @Mixin SandboxOptions options;

    @Option(names = "--task-time-budget", description = "Seconds a task may take in all (model and code); the loop stops after it. Default: none.")
    Double taskTimeBudget;

    @Option(names = "--token-budget", description = "Tokens (prompt + completion, as the server reports them) a task may use. Default: none.")
    long tokenBudget;

    @Option(names = "--system-prompt", description = "Use this file's text as the system prompt (e.g. PyBench's own); default: evalbox's wording.")
    Path systemPromptFile;

    @Override
    public Integer call() throws IOException {
        PyBenchTasks tasks = pybench.load();
        List<PyBenchTask> selected = pybench.selected(tasks);
        selected = runOptions.limited(selected);
        String systemPrompt = systemPromptFile == null ? PyBenchProtocol.defaultSystemPrompt() : Files.readString(systemPromptFile);
        Path runPath = runOptions.runPath("pybench");
        Function<PyBenchTask, ChatModel> models = modelsFor(modelOptions);
        PyBenchCategories categories = pybench.categories();
        Instant started = Instant.now();
        try (RunDirectory run = RunDirectory.open(runPath)) {
            Set<String> done = run.finishedTasks();
            List<PyBenchTask> todo = selected.stream().filter(t -> !done.contains(t.index())).toList();
            if (runOptions.resume) System.err.println("resuming " + runPath + ": " + done.size() + " task(s) done, " + todo.size() + " to go");
            try (SandboxProvider provider = BackendChoice.open(options.backend, options.image, new PrintWriter(System.err, true));
                 SandboxPool pool = new SandboxPool(provider, Math.min(runOptions.concurrency, 4), runOptions.concurrency * 2)) {
                run.writeRunJson(runJson(provider.backend(), started, null, null));
                PyBenchGrader grader = new PyBenchGrader(pool, options.spec(), options.timeout().multipliedBy(2), runOptions.concurrency);
                AgentLoop loop = new AgentLoop(PyBenchProtocol.protocol(options.timeout()).withSampling(modelOptions.sampling())
                        .withBudgets(taskTimeBudget == null ? null : java.time.Duration.ofMillis(Math.round(taskTimeBudget * 1000)), tokenBudget));
                PyBenchRun pybench = new PyBenchRun(tasks, pool, options.spec(), loop, models, systemPrompt, grader, run);
                Progress progress = new Progress(System.err, "pybench", todo.size());
                java.util.concurrent.atomic.AtomicInteger recorded = new java.util.concurrent.atomic.AtomicInteger(done.size());
                // Ctrl-C ends the JVM: every finished task is already on disk, so say how to go on.
                Thread onInterrupt = new Thread(() -> System.err.printf("%ninterrupted: %d task(s) are recorded in %s;"
                        + " continue with the same command and --resume%n", recorded.get(), runPath));
                Runtime.getRuntime().addShutdownHook(onInterrupt);
                try {
                    pybench.run(todo, runOptions.concurrency, report -> {
                        recorded.incrementAndGet();
                        progress.step(report.grade() != null && report.grade().passed());
                    });
                } finally {
                    progress.finish();
                    pybench.close();
                    try {
                        Runtime.getRuntime().removeShutdownHook(onInterrupt);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running: the message is on its way
                    }
                }
                List<GradeResult> results = readResults(runPath);
                PyBenchSummary summary = PyBenchSummary.of(selected, results, categories);
                run.writeRunJson(runJson(provider.backend(), started, Instant.now(), summary));
                System.out.printf("%nPyBench pass rate: %.1f%% (%d of %d tasks)   average turns: %.2f%n",
                        summary.passRate(), summary.passed(), summary.tasks(), summary.averageTurns());
                summary.byCategory().forEach((category, score) ->
                        System.out.printf("  %-40s %5.1f%%  (%d/%d)%n", category, score.passRate(), score.passed(), score.tasks()));
                System.out.println("run directory: " + runPath.toAbsolutePath());
                System.out.println("report: " + new dev.evalbox.unittests.report.RunReport(runPath).write().toAbsolutePath());
            }
        }
        return 0;
    }

    /** The model for each task: one server client for all, or a replay of each task's recorded turns. */
    static Function<PyBenchTask, ChatModel> modelsFor(ModelOptions options) throws IOException {
        if ("reference".equals(options.model)) {
            throw new UserException("PyBench has no ground-truth solutions, so there is no reference model for it;"
                    + " replay a recorded run with --model replay:FILE instead");
        }
        if (!options.isReplay()) {
            ChatModel server = options.server();
            return task -> server;
        }
        Path file = Path.of(options.replayFile());
        if (!Files.isRegularFile(file)) throw new UserException("replay: no such trajectory file " + file);
        Map<String, List<String>> replies = RecordedTrajectories.replies(file, p -> System.err.println("warning: " + p));
        String name = "replay:" + file.getFileName();
        return task -> new ReplayChatModel(name, replies.getOrDefault(task.index(), List.of()));
    }

    private static List<GradeResult> readResults(Path runPath) {
        List<GradeResult> results = new ArrayList<>();
        for (JsonNode row : RunDirectory.readResults(runPath)) {
            results.add(new GradeResult(row.path("task_id").asText(), row.path("passed").asBoolean(), row.path("exception_type").asText(null),
                    row.path("reason").asText(), row.path("turns").asInt(), 0));
        }
        return results;
    }

    private ObjectNode runJson(String backend, Instant started, Instant finished, PyBenchSummary summary) {
        ObjectNode run = RunDirectory.object();
        run.put("kind", "run").put("benchmark", "pybench").put("evalbox_version", VersionInfo.version())
                .put("model", modelOptions.model).put("base_url", modelOptions.isReplay() ? null : modelOptions.server().endpoint().toString())
                .put("backend", backend).put("image", "docker".equals(backend) ? options.image : null)
                .put("pybench_dir", pybench.pybenchDir.toAbsolutePath().toString())
                .put("system_prompt", systemPromptFile == null ? "evalbox default" : systemPromptFile.toAbsolutePath().toString())
                .put("cell_timeout_s", options.timeoutSeconds).put("concurrency", runOptions.concurrency)
                .put("started", started.toString()).put("finished", finished == null ? null : finished.toString());
        ObjectNode sampling = run.putObject("sampling");
        sampling.put("temperature", modelOptions.temperature).put("top_p", modelOptions.topP)
                .put("max_tokens", modelOptions.maxTokens).put("seed", modelOptions.seed);
        if (summary != null) {
            run.putObject("metrics").put("tasks", summary.tasks()).put("passed", summary.passed())
                    .put("pass_rate", summary.passRate()).put("average_turns", summary.averageTurns());
        }
        return run;
    }
}
