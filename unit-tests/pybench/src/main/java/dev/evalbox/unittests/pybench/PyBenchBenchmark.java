package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.loop.AgentLoop;
import dev.evalbox.agentloop.loop.AgentOutcome;
import dev.evalbox.agentloop.loop.AgentProtocol;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ReplayChatModel;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.ActionReplay;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.DemoPart;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.EvalMode;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.Metrics;
import dev.evalbox.unittests.eval.stats.EpochMetrics;
import dev.evalbox.unittests.eval.stats.Observations;
import dev.evalbox.unittests.eval.ModelOptions;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.TaskContext;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.pybench.bench.BenchPyBenchCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * PyBench on the spine: {@code run} drives a model through PyBench's loop, each task in a fresh sandbox,
 * and grades it with the checkout's tests.py; {@code grade} grades a trajectory file in PyBench's format
 * (a published run, say) the same way.
 */
public final class PyBenchBenchmark implements Benchmark {

    /** {@code evalbox run pybench}. */
    public static final class RunOptions {
        @Mixin PyBenchOptions pybench;
        @Mixin ModelOptions model;
        @Mixin SandboxOptions sandbox;

        @Option(names = "--task-time-budget", description = "Seconds a task may take in all (model and code); the loop stops after it. Default: none.")
        Double taskTimeBudget;

        @Option(names = "--token-budget", description = "Tokens (prompt + completion, as the server reports them) a task may use. Default: none.")
        long tokenBudget;

        @Option(names = "--system-prompt", description = "Use this file's text as the system prompt (e.g. PyBench's own); default: evalbox's wording.")
        Path systemPromptFile;
    }

    /** {@code evalbox grade pybench}. */
    public static final class GradeOptions {
        @Mixin PyBenchOptions pybench;
        @Mixin SandboxOptions sandbox;

        @Option(names = "--trajectory", required = true, description = "The run's trajectory file (JSON Lines, PyBench format).")
        Path trajectory;

        @Option(names = "--outputs", description = "The run's output folder (default: output/ next to the trajectory file).")
        Path outputs;
    }

    @Override
    public String name() { return "pybench"; }

    @Override
    public String title() { return "PyBench"; }

    @Override
    public String[] description(EvalMode mode) {
        return mode == EvalMode.RUN
                ? new String[] {"Run PyBench: each task in a fresh sandbox holding its inputs in data/ and an empty output/,",
                        "the model driven through PyBench's protocol (10 turns, first ```python block, its observation format),",
                        "then graded with the checkout's data/unit_test/tests.py. Ctrl-C stops; --resume continues."}
                : new String[] {"Grade a PyBench trajectory file with the benchmark's own data/unit_test/tests.py, run inside sandboxes",
                        "whose working dir holds the checkout's data/ and the run's output/ (both read-only).",
                        "Writes a run directory with run.json and results.jsonl (task_id, passed, reason, ...)."};
    }

    @Override
    public Optional<DemoPart> demo() { return Optional.of(new PyBenchDemo()); }

    @Override
    public List<Object> benchCommands() { return List.of(new BenchPyBenchCommand()); }

    @Override
    public Object options(EvalMode mode) {
        return mode == EvalMode.RUN ? new RunOptions() : new GradeOptions();
    }

    @Override
    public Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context) {
        return mode == EvalMode.RUN ? new Run((RunOptions) options, context) : new Grade((GradeOptions) options, context);
    }

    /** The task's inputs from the checkout the run used (its dataset), laid out as the run had them. */
    @Override
    public List<String> prepareSandbox(JsonNode run, String taskId, Sandbox sandbox) {
        // the checkout is the run's dataset (runs before the spine named it in config.pybench_dir)
        JsonNode checkout = run.path("dataset").path("path");
        if (!checkout.isTextual()) checkout = RunRecord.setting(run, "pybench_dir");
        if (!checkout.isTextual()) return List.of("run.json names no PyBench checkout: the task's inputs are not in the sandbox");
        PyBenchTasks tasks = PyBenchTasks.load(Path.of(checkout.asText()));
        return tasks.prepareSandbox(tasks.get(taskId), sandbox);
    }

    @Override
    public Optional<ActionReplay> actionReplay() { return Optional.of(new PyBenchActions()); }

    @Override
    public Optional<Map<String, ArrayNode>> recordedConversations(Path file, Consumer<String> warn) {
        return RecordedTrajectories.isPyBenchFormat(file) ? Optional.of(RecordedTrajectories.conversations(file, warn)) : Optional.empty();
    }

    /** What an attempt leaves for grading: the conversation (PyBench's messages) and its turns. */
    record Attempt(ArrayNode messages, int turns, AgentOutcome outcome, List<String> notes) { }

    /** The part both modes share: the checkout, the selection, the categories, rows and metrics. */
    private abstract static class Common implements Evaluation<PyBenchTask, Attempt> {
        final PyBenchOptions pybench;
        final SandboxOptions sandbox;
        final PyBenchTasks tasks;
        final PyBenchCategories categories;

        Common(PyBenchOptions pybench, SandboxOptions sandbox) {
            this.pybench = pybench;
            this.sandbox = sandbox;
            this.tasks = pybench.load();
            this.categories = pybench.categories();
        }

        @Override
        public List<PyBenchTask> tasks() { return pybench.selected(tasks); }

        @Override
        public Metrics metrics(List<PyBenchTask> selected, List<JsonNode> rows) {
            int epochs = EpochMetrics.epochs(rows);
            Map<String, JsonNode> byAttempt = new HashMap<>();
            rows.forEach(row -> byAttempt.put(row.path("epoch").asInt(1) + "/" + row.path("task_id").asText(), row));
            List<GradeResult> results = new ArrayList<>();
            for (JsonNode row : rows) {
                if (row.path("epoch").asInt(1) != 1) continue; // the benchmark's own table is epoch 1's; epochs are averaged below
                results.add(new GradeResult(row.path("task_id").asText(), row.path("passed").asBoolean(),
                        row.path("exception_type").asText(null), row.path("reason").asText(), row.path("turns").asInt(), 0));
            }
            // Each attempt of each selected task is one observation: a task without a verdict counts as failed (PyBench's 143).
            Observations observations = new Observations().metric("/pass_rate", 0, 100);
            selected.stream().map(categories::of).distinct().sorted() // in the table's order
                    .forEach(category -> observations.metric(Observations.pointer("by_category", category, "pass_rate"), 0, 100));
            int passedAttempts = 0;
            for (int epoch = 1; epoch <= epochs; epoch++) {
                for (PyBenchTask task : selected) {
                    JsonNode row = byAttempt.get(epoch + "/" + task.index());
                    boolean passed = row != null && row.path("passed").asBoolean(false);
                    if (passed) passedAttempts++;
                    observations.addPass("/pass_rate", task.index(), passed)
                            .addPass(Observations.pointer("by_category", categories.of(task), "pass_rate"), task.index(), passed);
                    if (row != null && row.path("turns").asInt() > 0) {
                        observations.add("/average_turns", 0, Double.POSITIVE_INFINITY, task.index(), row.path("turns").asInt());
                    }
                }
            }
            PyBenchSummary summary = PyBenchSummary.of(selected, results, categories);
            ObjectNode values = RunDirectory.object().put("tasks", summary.tasks()).put("passed", summary.passed())
                    .put("pass_rate", summary.passRate()).put("average_turns", summary.averageTurns());
            ObjectNode byCategory = values.putObject("by_category");
            summary.byCategory().forEach((c, s) -> byCategory.putObject(c).put("tasks", s.tasks()).put("passed", s.passed())
                    .put("pass_rate", s.passRate()));
            List<String> lines = new ArrayList<>();
            if (epochs > 1) {
                // with epochs every number is the mean over tasks of each task's mean over its attempts
                observations.writeTaskMeans(values);
                values.put("passed", passedAttempts).put("attempts", selected.size() * epochs);
                lines.add(String.format("PyBench pass rate: %.1f%% (%d of %d attempts, %d tasks x %d epochs)   average turns: %.2f",
                        values.path("pass_rate").asDouble(), passedAttempts, selected.size() * epochs, selected.size(), epochs,
                        values.path("average_turns").asDouble()));
            } else {
                lines.add(String.format("PyBench pass rate: %.1f%% (%d of %d tasks)   average turns: %.2f",
                        summary.passRate(), summary.passed(), summary.tasks(), summary.averageTurns()));
            }
            lines.add("by category (" + categories.source() + "):");
            if (epochs > 1) {
                values.path("by_category").fields().forEachRemaining(e -> lines.add(String.format("  %-40s %5.1f%%  (%d tasks)",
                        e.getKey(), e.getValue().path("pass_rate").asDouble(), e.getValue().path("tasks").asInt())));
            } else {
                summary.byCategory().forEach((category, score) ->
                        lines.add(String.format("  %-40s %5.1f%%  (%d/%d)", category, score.passRate(), score.passed(), score.tasks())));
            }
            return new Metrics(values, "pass_rate", lines, observations);
        }

        void describeCommon(RunRecord record) {
            record.dataset(pybench.pybenchDir(), pybench.pybenchDir().resolve("data/meta/task.json"), tasks().size());
            record.config().put("pybench_dir", pybench.pybenchDir().toAbsolutePath().toString())
                    .put("categories", categories.source());
        }

        static ResultRow row(PyBenchTask task, GradeResult grade, int turns, ObjectNode fields) {
            if (grade == null) return ResultRow.passFail(task.index(), null, "not graded (no tests.py given)", fields.put("turns", turns));
            fields.put("verdict", grade.verdict()).put("exception_type", grade.exceptionType()).put("turns", turns)
                    .put("duration_ms", grade.durationMs());
            return ResultRow.passFail(task.index(), grade.passed(), grade.reason(), fields);
        }
    }

    /** {@code run}: the model through PyBench's loop, graded as each task ends. */
    private static final class Run extends Common {
        private final RunOptions options;
        private final AgentLoop loop;
        private final String systemPrompt;
        private final Function<PyBenchTask, ChatModel> models;
        private final PyBenchRun run;

        Run(RunOptions options, EvalContext context) {
            super(options.pybench, options.sandbox);
            this.options = options;
            AgentProtocol protocol = PyBenchProtocol.protocol(options.sandbox.timeout()).withSampling(options.model.sampling())
                    .withBudgets(options.taskTimeBudget == null ? null : Duration.ofMillis(Math.round(options.taskTimeBudget * 1000)),
                            options.tokenBudget);
            this.loop = new AgentLoop(protocol);
            this.systemPrompt = readSystemPrompt(options.systemPromptFile);
            this.models = modelsFor(options.model, context);
            this.run = new PyBenchRun(context.runDir());
        }

        @Override
        public Optional<SandboxUse> sandboxes() {
            return Optional.of(new SandboxUse(sandbox, 2)); // the task's own and the worker's grading sandbox
        }

        @Override
        public Attempt attempt(PyBenchTask task, TaskContext context) {
            List<String> notes = new ArrayList<>();
            AgentOutcome outcome;
            if (context.epoch() > 1) {
                // the merged output/ still holds the previous epoch's files of this task: its tests must not see them
                Path mine = context.artifacts();
                run.forgetOutputs(context.epoch() == 2 ? mine.getParent() : mine.resolveSibling("epoch-" + (context.epoch() - 1)));
            }
            try (Sandbox box = context.sandbox()) {
                notes.addAll(tasks.prepareSandbox(task, box));
                outcome = loop.run(task.index(), "pybench", PyBenchProtocol.opening(task, systemPrompt),
                        models.apply(task).forEpoch(context.epoch()), box,
                        context.trajectory());
                run.collectOutputs(box, context.artifacts(), notes);
            }
            ArrayNode messages = TrajectoryEvent.messagesJson(outcome.messages());
            run.exportPyBenchLine(task, messages, context.epoch());
            return new Attempt(messages, outcome.turns(), outcome, notes);
        }

        @Override
        public List<ResultRow> score(PyBenchTask task, Attempt attempt, TaskContext context) {
            PyBenchGrader.Session session = context.perWorker(PyBenchGrader.Session.class, () ->
                    new PyBenchGrader(context.pool(), context.sandboxSpec(), sandbox.timeout().multipliedBy(2), 1)
                            .openSession(tasks, run.outputDir()));
            GradeResult grade = session.grade(task.index(), attempt.messages(), attempt.turns());
            AgentOutcome outcome = attempt.outcome();
            ObjectNode fields = RunDirectory.object().put("stop_reason", outcome.stopReason().key())
                    .put("prompt_tokens", outcome.usage().promptTokens()).put("completion_tokens", outcome.usage().completionTokens());
            if (outcome.error() != null) fields.put("model_error", outcome.error());
            ArrayNode notes = fields.putArray("notes");
            attempt.notes().forEach(notes::add);
            return List.of(row(task, grade, attempt.turns(), fields));
        }

        @Override
        public void describe(RunRecord record) {
            describeCommon(record);
            options.model.record(record, loop.protocol().sampling());
            record.config().put("system_prompt", options.systemPromptFile == null ? "evalbox default"
                            : options.systemPromptFile.toAbsolutePath().toString())
                    .put("task_time_budget_s", options.taskTimeBudget).put("token_budget", options.tokenBudget);
        }

        @Override
        public void close() { run.close(); }

        private static String readSystemPrompt(Path file) {
            if (file == null) return PyBenchProtocol.defaultSystemPrompt();
            try {
                return Files.readString(file);
            } catch (IOException e) {
                throw new UserException("--system-prompt: cannot read " + file + " (" + e.getMessage() + ")");
            }
        }

        /** The model for each task: one server client for all, or a replay of each task's recorded turns. */
        private static Function<PyBenchTask, ChatModel> modelsFor(ModelOptions options, EvalContext context) {
            if ("reference".equals(options.model())) {
                throw new UserException("PyBench has no ground-truth solutions, so there is no reference model for it;"
                        + " replay a recorded run with --model replay:FILE instead");
            }
            if (!options.isReplay()) {
                ChatModel server = context.cached(options.server());
                return task -> server;
            }
            Path file = Path.of(options.replayFile());
            if (!Files.isRegularFile(file)) throw new UserException("replay: no such trajectory file " + file);
            Map<String, List<String>> replies = RecordedTrajectories.replies(file, p -> System.err.println("warning: " + p));
            String name = "replay:" + file.getFileName();
            return task -> new ReplayChatModel(name, replies.getOrDefault(task.index(), List.of()));
        }
    }

    /** {@code grade}: a recorded trajectory file and its output folder, graded with tests.py. */
    private static final class Grade extends Common {
        private final GradeOptions options;
        private final PyBenchTrajectoryFile trajectories;
        private final Path outputDir;

        Grade(GradeOptions options, EvalContext context) {
            super(options.pybench, options.sandbox);
            this.options = options;
            this.trajectories = PyBenchTrajectoryFile.read(options.trajectory);
            trajectories.problems().forEach(p -> context.warn(p + " (the task counts as having no trajectory)"));
            this.outputDir = options.outputs != null ? options.outputs : options.trajectory.toAbsolutePath().getParent().resolve("output");
        }

        @Override
        public Optional<SandboxUse> sandboxes() { return Optional.of(new SandboxUse(sandbox, 1)); }

        @Override
        public Attempt attempt(PyBenchTask task, TaskContext context) {
            Optional<PyBenchTrajectory> recorded = trajectories.get(task.index());
            recorded.ifPresent(t -> record(t, context));
            return recorded.map(t -> new Attempt(t.messages(), t.turns(), null, List.of())).orElse(null);
        }

        /** The recorded conversation goes into trajectories.jsonl too, so a grade's run directory replays like a run's. */
        private void record(PyBenchTrajectory recorded, TaskContext context) {
            List<ChatMessage> conversation = new ArrayList<>();
            recorded.messages().forEach(m -> conversation.add(new ChatMessage(m.path("role").asText(), m.path("content").asText(), List.of())));
            context.trajectory().writeRecorded(recorded.index(), "pybench", "recorded:" + trajectories.path().getFileName(), conversation,
                    "recorded", recorded.turns(), recorded.finalAnswer());
        }

        @Override
        public List<ResultRow> score(PyBenchTask task, Attempt attempt, TaskContext context) {
            if (attempt == null) {
                GradeResult missing = PyBenchGrader.missingTrajectory(task.index(), trajectories.path().getFileName().toString());
                return List.of(row(task, missing, 0, RunDirectory.object()));
            }
            PyBenchGrader.Session session = context.perWorker(PyBenchGrader.Session.class, () ->
                    new PyBenchGrader(context.pool(), context.sandboxSpec(), sandbox.timeout(), 1).openSession(tasks, outputDir));
            return List.of(row(task, session.grade(task.index(), attempt.messages(), attempt.turns()), attempt.turns(),
                    RunDirectory.object()));
        }

        @Override
        public void describe(RunRecord record) {
            describeCommon(record);
            record.config().put("trajectory", options.trajectory.toAbsolutePath().toString())
                    .put("outputs", outputDir.toAbsolutePath().toString());
        }
    }
}
