package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.ReplayChatModel;
import dev.evalbox.agentloop.trajectory.TaskTrajectory;
import dev.evalbox.agentloop.trajectory.Trajectories;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.ActionReplay;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.EvalMode;
import dev.evalbox.unittests.eval.EvalTask;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.Metrics;
import dev.evalbox.unittests.eval.stats.Observations;
import dev.evalbox.unittests.eval.ModelOptions;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.TaskContext;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The Qwen-Agent Code Interpreter benchmark on the spine: {@code run} drives a model as the benchmark's
 * ReAct agent, each item in a fresh sandbox with its input files, and scores each item as it ends
 * (executable rate, GSM8K accuracy, visualization accuracy with a judge); {@code grade} re-scores a
 * finished run's traces, for instance with another judge. The rules are in docs/code-interpreter.md.
 */
public final class CodeInterpreterBenchmark implements Benchmark {
    /** The cap evalbox puts on a general item's executable-rate run; the benchmark has none (docs/code-interpreter.md). */
    static final Duration GENERAL_CAP = Duration.ofSeconds(120);
    private static final String NO_RECORD = "its record is no longer in the data file the run used";

    /** {@code evalbox run code-interpreter}. */
    public static final class RunOptions {
        @Option(names = "--data", description = "eval_code_interpreter_v1.jsonl (query, tags, lang, input_file_path).")
        Path data;

        @Option(names = "--upload-dir", description = "The benchmark's upload_file_clean/ folder with the items' input files.")
        Path uploadDir;

        @Option(names = "--gsm8k", description = "The GSM8K test set (question, answer with the gold after \"#### \").")
        Path gsm8k;

        @Option(names = "--task", description = "all, gsm8k, visualization, general or math. Default: ${DEFAULT-VALUE}.")
        String task = "all";

        @Mixin ModelOptions model;
        @Mixin JudgeOptions judge;

        @Option(names = "--prompt", description = "A ReAct prompt template (with {query}) to use instead of evalbox's wording, e.g. the official one.")
        Path promptFile;

        @Option(names = "--prompt-style", description = "chat (messages to the chat endpoint) or completion (one prompt to the completions endpoint). Default: ${DEFAULT-VALUE}.")
        String promptStyle = "chat";

        @Option(names = "--file-prefix", description = "How the question names the uploaded files, as the benchmark's prompt for that model"
                + " family: qwen (\"[Upload file a.csv]\") or generic (Llama/InternLM: \"File `a.csv`. \"). Default: ${DEFAULT-VALUE}.")
        String filePrefix = "qwen";

        @Mixin SandboxOptions sandbox;
    }

    /** {@code evalbox grade code-interpreter RUN}. */
    public static final class GradeOptions {
        @Parameters(paramLabel = "RUN", description = "A run directory written by `evalbox run code-interpreter`.")
        Path source;

        @Mixin JudgeOptions judge;
        @Mixin SandboxOptions sandbox;
    }

    @Override
    public String name() { return "code-interpreter"; }

    @Override
    public String title() { return "Code Interpreter"; }

    @Override
    public String[] description(EvalMode mode) {
        return mode == EvalMode.RUN
                ? new String[] {"Run the Qwen-Agent Code Interpreter benchmark: each item in a fresh sandbox with its input files, the model as",
                        "a ReAct agent (Observation: stop; 3 executions for visualization and GSM8K, 1 for general and math; an Easy item's",
                        "prefill runs first and counts as one more), then executable rate, GSM8K accuracy and (with --judge) visualization",
                        "accuracy. --resume continues a run."}
                : new String[] {"Re-score a finished Code Interpreter run from its traces.jsonl (executable rate, GSM8K accuracy, and",
                        "visualization accuracy with --judge). Writes a new run directory (default: RUN/regrade-<time>); the original run",
                        "is left as it is."};
    }

    /** The item's input files, uploaded from the upload folder the run used (config.upload_dir), as the run uploaded them. */
    @Override
    public List<String> prepareSandbox(JsonNode run, String taskId, Sandbox sandbox) {
        String data = RunRecord.setting(run, "data").asText(null);
        if (data == null) return List.of(); // GSM8K questions have no input files
        String uploads = RunRecord.setting(run, "upload_dir").asText(null);
        var loaded = CodeInterpreterData.readRecords(Path.of(data));
        CodeInterpreterRecord record = loaded.items().stream().filter(r -> CodeInterpreterItem.of(r).id().equals(taskId)).findFirst().orElse(null);
        if (record == null) return List.of("task " + taskId + " is not in " + data + ": its input files are not in the sandbox");
        List<String> notes = new ArrayList<>();
        for (String base : record.inputBasenames()) {
            Path host = uploads == null ? null : Path.of(uploads).resolve(base);
            if (host != null && Files.isRegularFile(host)) sandbox.upload(host, base);
            else notes.add("input " + base + " is not in the upload folder");
        }
        return notes;
    }

    @Override
    public Optional<ActionReplay> actionReplay() { return Optional.of(new CodeInterpreterActions()); }

    @Override
    public Object options(EvalMode mode) {
        return mode == EvalMode.RUN ? new RunOptions() : new GradeOptions();
    }

    @Override
    public Path defaultRunDir(EvalMode mode, Object options) {
        return mode == EvalMode.GRADE ? RunDirectory.newPath(((GradeOptions) options).source, "regrade") : null;
    }

    @Override
    public Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context) {
        return mode == EvalMode.RUN ? new Run((RunOptions) options, context) : new Grade((GradeOptions) options, context);
    }

    /** What an attempt leaves for scoring: the benchmark's trace text, with what the trace line records about the loop. */
    record Attempt(String trace, String gold, ObjectNode loop, List<String> notes) { }

    /** The benchmark's table from the rows: executable rates, GSM8K accuracy, visualization accuracy, each with counts. */
    static Metrics metrics(List<JsonNode> rows) {
        Observations observations = new Observations();
        Map<String, CodeInterpreterSummary.Rate> table = CodeInterpreterSummary.of(rows, observations);
        List<String> lines = new ArrayList<>();
        table.forEach((name, rate) -> lines.add(String.format("%-32s %s", name, rate)));
        // The headline is what the run measured: visualization accuracy, else GSM8K accuracy, else executability.
        String headline = Stream.of("Vis-All", "GSM8K accuracy").filter(k -> table.get(k).total() > 0).findFirst()
                .orElse("executable rate: all");
        return new Metrics(CodeInterpreterSummary.json(table), headline, lines, observations);
    }

    /** The loop's part of a row: executions, stop reason, final answer (and a model error), as traces.jsonl has them. */
    private static void addLoop(ObjectNode fields, ObjectNode loop) {
        fields.put("executions", loop.path("executions").asInt()).put("stop_reason", loop.path("stop_reason").asText(null))
                .put("final_answer", loop.path("final_answer").asText(null));
        if (loop.hasNonNull("model_error")) fields.put("model_error", loop.get("model_error").asText());
    }

    /** {@code run}: the model as the benchmark's agent, each item scored as it ends. */
    private static final class Run implements Evaluation<CodeInterpreterItem, Attempt> {
        private final RunOptions options;
        private final List<CodeInterpreterItem> items;
        private final ReActPrompt prompt;
        private final CodeInterpreterAgent.PromptStyle style;
        private final FilePrefix prefix;
        private final Function<CodeInterpreterItem, CodeInterpreterAgent> agents;
        private final VisualizationJudge judge;
        private final TraceFile traces;

        Run(RunOptions options, EvalContext context) {
            this.options = options;
            try {
                this.prefix = FilePrefix.parse(options.filePrefix);
            } catch (IllegalArgumentException e) {
                throw new UserException("--file-prefix: " + e.getMessage());
            }
            this.style = switch (options.promptStyle) {
                case "chat" -> CodeInterpreterAgent.PromptStyle.CHAT;
                case "completion" -> CodeInterpreterAgent.PromptStyle.COMPLETION;
                default -> throw new UserException("unknown --prompt-style \"" + options.promptStyle + "\": use chat or completion");
            };
            this.items = items(options, context);
            if (options.uploadDir == null && items.stream().anyMatch(i -> !i.record().inputFiles().isEmpty())) {
                context.warn("no --upload-dir: the items' input files are missing, so code that reads them fails");
            }
            this.prompt = readPrompt(options.promptFile);
            this.agents = agents(options.model, context);
            this.judge = options.judge.judge(options.model.baseUrl(), context);
            this.traces = new TraceFile(context.runDir());
        }

        private static List<CodeInterpreterItem> items(RunOptions options, EvalContext context) {
            String task = options.task;
            if (!List.of("all", "gsm8k", "visualization", "general", "math").contains(task)) {
                throw new UserException("unknown --task \"" + task + "\": use all, gsm8k, visualization, general or math");
            }
            if (options.data == null && options.gsm8k == null) throw new UserException("give --data (the benchmark's JSONL) and/or --gsm8k");
            if (task.equals("gsm8k") && options.gsm8k == null) throw new UserException("--task gsm8k needs --gsm8k FILE");
            List<CodeInterpreterItem> items = new ArrayList<>();
            if (options.data != null && !task.equals("gsm8k")) {
                var loaded = CodeInterpreterData.readRecords(readable("--data", options.data));
                loaded.problems().forEach(p -> context.warn(p + " (skipped)"));
                for (CodeInterpreterRecord record : loaded.items()) {
                    boolean wanted = task.equals("all") || record.tags().contains(task);
                    if (wanted) items.add(CodeInterpreterItem.of(record));
                }
            }
            if (options.gsm8k != null && (task.equals("all") || task.equals("gsm8k"))) {
                var loaded = CodeInterpreterData.readGsm8k(readable("--gsm8k", options.gsm8k));
                loaded.problems().forEach(p -> context.warn(p + " (skipped)"));
                loaded.items().forEach(g -> items.add(CodeInterpreterItem.of(g)));
            }
            return List.copyOf(items);
        }

        private static ReActPrompt readPrompt(Path file) {
            if (file == null) return ReActPrompt.DEFAULT;
            try {
                return new ReActPrompt(Files.readString(file));
            } catch (IOException e) {
                throw new UserException("--prompt: cannot read " + file + " (" + e.getMessage() + ")");
            } catch (IllegalArgumentException e) {
                throw new UserException("--prompt " + file + ": " + e.getMessage());
            }
        }

        /** The agent for each item: one over the model server for all, or one replaying each item's recorded replies. */
        private Function<CodeInterpreterItem, CodeInterpreterAgent> agents(ModelOptions model, EvalContext context) {
            if ("reference".equals(model.model())) {
                throw new UserException("the Code Interpreter benchmark has no reference solutions; replay a recorded run with"
                        + " --model replay:RUN/trajectories.jsonl instead");
            }
            if (!model.isReplay()) {
                CodeInterpreterAgent agent = new CodeInterpreterAgent(context.cached(model.server(style == CodeInterpreterAgent.PromptStyle.COMPLETION)),
                        prompt, model.sampling(), style, prefix);
                return item -> agent;
            }
            Path file = Path.of(model.replayFile());
            if (!Files.isRegularFile(file)) throw new UserException("replay: no such trajectory file " + file);
            Trajectories recorded = Trajectories.read(file);
            recorded.problems().forEach(context::warn);
            String name = "replay:" + file.getFileName();
            return item -> new CodeInterpreterAgent(new ReplayChatModel(name, Optional.ofNullable(recorded.byTask().get(item.id()))
                    .map(TaskTrajectory::replies).orElse(List.of())), prompt, model.sampling(), style, prefix);
        }

        @Override
        public List<CodeInterpreterItem> tasks() { return items; }

        @Override
        public Optional<SandboxUse> sandboxes() {
            return Optional.of(new SandboxUse(options.sandbox, 3)); // the item's own, then its executable-rate run's
        }

        @Override
        public Attempt attempt(CodeInterpreterItem item, TaskContext context) {
            Path figures = context.artifacts();
            List<String> uploadPaths = new ArrayList<>();
            List<String> notes = new ArrayList<>();
            CodeInterpreterAgent.Outcome outcome;
            try (Sandbox sandbox = context.sandbox()) {
                for (String base : item.record().inputBasenames()) {
                    Path host = options.uploadDir == null ? null : options.uploadDir.resolve(base);
                    if (host != null && Files.isRegularFile(host)) sandbox.upload(host, base);
                    else notes.add("input " + base + " is not in the upload folder");
                    uploadPaths.add(context.sandboxSpec().workDir() + "/" + base);
                }
                int[] count = {0};
                outcome = agents.apply(item).forEpoch(context.epoch()).run(item.id(), item.record(), sandbox, uploadPaths, png -> {
                    String name = String.format("fig-%03d.png", ++count[0]);
                    try {
                        Files.createDirectories(figures);
                        Files.write(figures.resolve(name), png);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot save a figure into " + figures, e);
                    }
                    // as the run directory names it: artifacts/<id>/fig-NNN.png, in epoch-N/ for a later epoch's attempt
                    return context.runDir().relativize(figures.resolve(name)).toString().replace(java.io.File.separatorChar, '/');
                }, context.trajectory());
            }
            ObjectNode line = TraceFile.line(item, outcome);
            if (context.epoch() > 1) line.put("epoch", context.epoch()); // as pybench_trajectory.jsonl: epoch 1's lines as before epochs
            traces.append(line);
            if (outcome.error() != null) line.put("model_error", outcome.error());
            return new Attempt(outcome.trace(), item.gold(), line, notes);
        }

        @Override
        public List<ResultRow> score(CodeInterpreterItem item, Attempt attempt, TaskContext context) {
            CodeInterpreterScore score = new CodeInterpreterScore(new ExecutableRate(context.pool(), context.sandboxSpec(), options.uploadDir,
                    GENERAL_CAP), judge == null ? null : judge.forEpoch(context.epoch()), context.runDir(), context.trajectory());
            ResultRow row = score.score(item.id(), item.record(), attempt.trace(), attempt.gold());
            addLoop(row.fields(), attempt.loop());
            var notes = row.fields().putArray("notes");
            attempt.notes().forEach(notes::add);
            return List.of(row);
        }

        @Override
        public Metrics metrics(List<CodeInterpreterItem> tasks, List<JsonNode> rows) { return CodeInterpreterBenchmark.metrics(rows); }

        @Override
        public void describe(RunRecord record) {
            List<Path> files = Stream.of(options.data, options.gsm8k).filter(f -> f != null).toList();
            record.dataset(files, items.size());
            options.model.record(record, CodeInterpreterAgent.sent(options.model.sampling()));
            options.judge.record(record, options.model.baseUrl());
            record.config().put("data", absolute(options.data)).put("gsm8k", absolute(options.gsm8k))
                    .put("upload_dir", absolute(options.uploadDir)).put("task", options.task).put("prompt_style", options.promptStyle)
                    .put("file_prefix", prefix.optionName())
                    .put("prompt", options.promptFile == null ? "evalbox default" : options.promptFile.toAbsolutePath().toString())
                    .put("judge_rule", options.judge.rule()).put("cell_timeout_s", CodeInterpreterAgent.CELL_TIMEOUT.toSeconds())
                    .put("general_exec_cap_s", GENERAL_CAP.toSeconds());
        }

        @Override
        public void close() { traces.close(); }
    }

    /** A recorded item of the run a grade re-scores: its trace line, and its item (null when the data file no longer has it). */
    /** A traced item of the run a re-grade scores: its trace line of each epoch the run made (by epoch, from 1). */
    record Recorded(String id, CodeInterpreterItem item, Map<Integer, JsonNode> traceLines) implements EvalTask {
        @Override
        public Map<String, String> metadata() { return item == null ? Map.of() : item.metadata(); }
    }

    /** {@code grade}: a finished run's traces scored again, into a new run directory that carries them over. */
    private static final class Grade implements Evaluation<Recorded, Attempt> {
        private final GradeOptions options;
        private final JsonNode source;
        private final List<Recorded> tasks;
        private final Path uploadDir;
        private final Trajectories trajectories;
        private final VisualizationJudge judge;
        private final TraceFile traces;
        /** The epochs of the run re-graded (1 for a run without epochs). */
        private final int sourceEpochs;

        Grade(GradeOptions options, EvalContext context) {
            this.options = options;
            Path run = options.source;
            if (!Files.isRegularFile(run.resolve(TraceFile.NAME)) || !Files.isRegularFile(run.resolve("run.json"))) {
                throw new UserException(run + " is not a Code Interpreter run directory (it needs run.json and traces.jsonl)");
            }
            try {
                this.source = new ObjectMapper().readTree(run.resolve("run.json").toFile());
            } catch (IOException e) {
                throw new UserException("cannot read " + run.resolve("run.json") + ": " + e.getMessage());
            }
            Map<String, CodeInterpreterItem> items = new HashMap<>();
            sourceFile("data").ifPresent(data -> CodeInterpreterData.readRecords(readable("the run's data file", data)).items()
                    .forEach(r -> items.put(CodeInterpreterItem.of(r).id(), CodeInterpreterItem.of(r))));
            sourceFile("gsm8k").ifPresent(gsm8k -> CodeInterpreterData.readGsm8k(readable("the run's GSM8K file", gsm8k)).items()
                    .forEach(g -> items.put(CodeInterpreterItem.of(g).id(), CodeInterpreterItem.of(g))));
            this.uploadDir = sourceFile("upload_dir").orElse(null);
            List<String> problems = new ArrayList<>();
            Map<String, Map<Integer, JsonNode>> linesByTask = new java.util.LinkedHashMap<>();
            Map<Integer, Map<String, JsonNode>> byEpoch = TraceFile.readByEpoch(run, problems);
            byEpoch.forEach((epoch, byTask) -> byTask.forEach((id, line) ->
                    linesByTask.computeIfAbsent(id, t -> new java.util.TreeMap<>()).put(epoch, line)));
            this.sourceEpochs = byEpoch.keySet().stream().mapToInt(Integer::intValue).max().orElse(1);
            List<Recorded> recorded = new ArrayList<>();
            linesByTask.forEach((id, lines) -> recorded.add(new Recorded(id, items.get(id), lines)));
            problems.forEach(p -> context.warn(p + " (skipped)"));
            this.tasks = List.copyOf(recorded);
            Path events = run.resolve("trajectories.jsonl");
            this.trajectories = Files.isRegularFile(events) ? Trajectories.read(events) : new Trajectories(Map.of(), List.of());
            this.judge = options.judge.judge(null, context);
            if (judge == null) options.judge.parsedRule();
            this.traces = new TraceFile(context.runDir());
        }

        /** A path the source run recorded (under config since run.json schema 1, at the top before). */
        private Optional<Path> sourceFile(String setting) {
            JsonNode value = RunRecord.setting(source, setting);
            return value.isTextual() ? Optional.of(Path.of(value.asText())) : Optional.empty();
        }

        @Override
        public List<Recorded> tasks() { return tasks; }

        @Override
        public Optional<SandboxUse> sandboxes() { return Optional.of(new SandboxUse(options.sandbox, 2)); }

        /**
         * Carries the item over from the run it re-scores: its trace line, its events (the conversation and
         * cells, not the earlier judge calls) and its figures, so this directory reports, replays and
         * re-grades on its own.
         */
        @Override
        public Attempt attempt(Recorded task, TaskContext context) {
            int epoch = sourceEpoch(context);
            JsonNode recordedLine = task.traceLines().get(epoch);
            if (recordedLine == null) return null; // the run has no attempt of this item in this epoch (it stopped within it)
            ObjectNode line = ((ObjectNode) recordedLine).deepCopy();
            if (context.epoch() > 1) line.put("epoch", context.epoch()); else line.remove("epoch");
            traces.append(line);
            trajectories.attempt(task.id(), epoch).ifPresent(recorded ->
                    recorded.events().stream().filter(e -> !(e instanceof TrajectoryEvent.JudgeCall)).forEach(context.trajectory()::write));
            // the attempt's own figures (a later epoch's are in its epoch-N/ folder), where its trace names them
            copyFigures(TaskContext.artifactsOf(options.source, task.id(), epoch), context.artifacts());
            return new Attempt(line.path("trace").asText(), line.path("gold").asText(null), line, List.of());
        }

        /** A run made with --epochs is re-graded attempt by attempt: each (item, epoch) with its own trace and figures. */
        @Override
        public int epochs() { return sourceEpochs > 1 ? sourceEpochs : 0; }

        /** The run's epoch this attempt re-grades: its own when the run has epochs, else the run's only one. */
        private int sourceEpoch(TaskContext context) { return sourceEpochs > 1 ? context.epoch() : 1; }

        private static void copyFigures(Path from, Path to) {
            if (!Files.isDirectory(from)) return;
            try (Stream<Path> files = Files.list(from)) {
                Files.createDirectories(to);
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(file, to.resolve(file.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the figures of " + from + " into " + to, e);
            }
        }

        @Override
        public List<ResultRow> score(Recorded task, Attempt attempt, TaskContext context) {
            if (attempt == null) return List.of();
            if (task.item() == null) return List.of(ResultRow.passFail(task.id(), null, NO_RECORD, RunDirectory.object()));
            CodeInterpreterScore score = new CodeInterpreterScore(new ExecutableRate(context.pool(), context.sandboxSpec(), uploadDir,
                    GENERAL_CAP), judge == null ? null : judge.forEpoch(context.epoch()), context.runDir(), context.trajectory());
            ResultRow row = score.score(task.id(), task.item().record(), attempt.trace(), attempt.gold());
            addLoop(row.fields(), attempt.loop());
            return List.of(row);
        }

        @Override
        public Metrics metrics(List<Recorded> selected, List<JsonNode> rows) { return CodeInterpreterBenchmark.metrics(rows); }

        @Override
        public void describe(RunRecord record) {
            List<Path> files = Stream.of(sourceFile("data"), sourceFile("gsm8k")).flatMap(Optional::stream).toList();
            if (!files.isEmpty()) record.dataset(files, tasks.size());
            options.judge.record(record, null);
            record.config().put("source", options.source.toAbsolutePath().toString())
                    .put("data", sourceFile("data").map(CodeInterpreterBenchmark::absolute).orElse(null))
                    .put("gsm8k", sourceFile("gsm8k").map(CodeInterpreterBenchmark::absolute).orElse(null))
                    .put("upload_dir", absolute(uploadDir)).put("judge_rule", options.judge.rule())
                    .put("general_exec_cap_s", GENERAL_CAP.toSeconds());
        }

        @Override
        public void close() { traces.close(); }
    }

    private static Path readable(String what, Path file) {
        if (!Files.isRegularFile(file)) throw new UserException(what + ": no such file " + file);
        return file;
    }

    private static String absolute(Path path) { return path == null ? null : path.toAbsolutePath().toString(); }
}
