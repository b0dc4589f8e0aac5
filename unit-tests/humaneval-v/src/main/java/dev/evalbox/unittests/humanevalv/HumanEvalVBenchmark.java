package dev.evalbox.unittests.humanevalv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.loop.StopReason;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.DemoPart;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.EvalMode;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.Metrics;
import dev.evalbox.unittests.eval.stats.Bootstrap;
import dev.evalbox.unittests.eval.stats.EpochMetrics;
import dev.evalbox.unittests.eval.stats.Estimate;
import dev.evalbox.unittests.eval.stats.Observations;
import dev.evalbox.unittests.eval.stats.PassAtK;
import dev.evalbox.unittests.eval.ModelOptions;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.TaskContext;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.humanevalv.bench.BenchHumanEvalVCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * HumanEval-V on the spine: {@code run} generates each task's samples with a model (or takes the ground
 * truth) and {@code grade} reads a predictions file in the reference's format; both grade as the reference
 * does (post-processing, pylint gate, execution with a 2 s limit) in sandboxes, a few tasks per round trip,
 * and report pass@k and the parse-success rate as the reference computes them.
 */
public final class HumanEvalVBenchmark implements Benchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_SAMPLES = 30;

    /** What both modes take: the dataset and the sandbox. */
    static class DataOptions {
        @Option(names = {"--dataset", "--data"}, required = true,
                description = "The dataset: the Hugging Face parquet file (v0.1 or v2), or a JSON Lines export with image paths.")
        Path data;

        @Mixin SandboxOptions sandbox;
    }

    /** {@code evalbox run humaneval-v}. */
    public static final class RunOptions extends DataOptions {
        @Option(names = "--setting", description = "v2c, v2c-cot, v2t2c or gt-t2c. Default: ${DEFAULT-VALUE}.")
        String setting = "v2c";

        @Option(names = "--samples", description = "Samples per task: 1 is greedy (pass@1); more are sampled at temperature 0.8 (v2: 6 for pass@3). Default: ${DEFAULT-VALUE}.")
        int samples = 1;

        @Option(names = "--prompt", description = "A code prompt template (with {function_signature}) instead of evalbox's wording, e.g. the official one.")
        Path promptFile;

        @Mixin ModelOptions model;
    }

    /** {@code evalbox grade humaneval-v}. */
    public static final class GradeOptions extends DataOptions {
        static final class Source {
            @Option(names = "--predictions", description = "A predictions file: [{qid, predictions: [...]}].") Path predictions;
            @Option(names = "--reference", description = "Grade the ground-truth solutions.") boolean reference;
        }

        @ArgGroup(exclusive = true, multiplicity = "1") Source source;

        @Option(names = "--k", description = "The k of pass@k (default: 1 for one sample per task, else 3 for v2, 10 for v0.1).")
        Integer k;
    }

    @Override
    public String name() { return "humaneval-v"; }

    @Override
    public String title() { return "HumanEval-V"; }

    @Override
    public String[] description(EvalMode mode) {
        return mode == EvalMode.RUN
                ? new String[] {"Run HumanEval-V: the model answers each task from its image (V2C, V2C-CoT), from its own description of",
                        "the image (V2T2C) or from the dataset's description (GT-T2C); predictions.jsonl grows as tasks finish and",
                        "predictions.json is written in the reference's format; each task is graded in a sandbox as it is answered."}
                : new String[] {"Grade HumanEval-V predictions (the reference's format) against the dataset (HF parquet, or JSONL + images):",
                        "post-processing, pylint gate and execution in sandboxes; pass@k (k as the reference reports it) and PSR.",
                        "--reference grades the dataset's own ground-truth solutions instead: every task should pass."};
    }

    @Override
    public Optional<DemoPart> demo() { return Optional.of(new HumanEvalVDemo()); }

    @Override
    public List<Object> benchCommands() { return List.of(new BenchHumanEvalVCommand()); }

    @Override
    public Object options(EvalMode mode) { return mode == EvalMode.RUN ? new RunOptions() : new GradeOptions(); }

    @Override
    public Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context) {
        return mode == EvalMode.RUN ? new Run((RunOptions) options, context) : new Grade((GradeOptions) options, context);
    }

    /** What both modes share: the dataset, grading in a worker's sandbox, rows and metrics. */
    private abstract static class Common implements Evaluation<HumanEvalVItem, List<Predictions.Entry>> {
        final DataOptions options;
        final HumanEvalVDataset.Loaded dataset;
        /** Whether the answers are the dataset's ground-truth solutions (`--model reference`, `grade --reference`), not a model's. */
        final boolean groundTruth;

        Common(DataOptions options, EvalContext context, boolean groundTruth) {
            this.options = options;
            this.groundTruth = groundTruth;
            this.dataset = HumanEvalVDataset.read(options.data, context.runDir().resolve("images"));
            dataset.problems().forEach(p -> context.warn(p + " (skipped)"));
            if (dataset.items().isEmpty()) throw new UserException(options.data + " has no usable HumanEval-V task");
        }

        /** The entries the reference grades for these tasks, in its order (v0.1: every entry as listed). */
        abstract List<Predictions.Entry> items(List<HumanEvalVItem> tasks);

        Integer k() { return null; }

        @Override
        public Optional<SandboxUse> sandboxes() { return Optional.of(new SandboxUse(options.sandbox, 1)); }

        @Override
        public int scoreBatchSize(int todo, int concurrency) {
            int samples = Math.max(1, samplesPerTask());
            // about BATCH_SAMPLES samples per round trip, fewer when that would leave workers without work
            return Math.max(1, Math.min(BATCH_SAMPLES / samples, todo / (Math.max(1, concurrency) * 4)));
        }

        abstract int samplesPerTask();

        @Override
        public List<ResultRow> score(HumanEvalVItem task, List<Predictions.Entry> attempt, TaskContext context) {
            return scoreBatch(List.of(task), List.of(attempt), List.of(context)).get(0);
        }

        @Override
        public List<List<ResultRow>> scoreBatch(List<HumanEvalVItem> tasks, List<List<Predictions.Entry>> attempts, List<TaskContext> contexts) {
            TaskContext first = contexts.get(0);
            GradingSandbox grading = first.perWorker(GradingSandbox.class, () -> new GradingSandbox(first.sandbox()));
            List<Predictions.Entry> entries = new ArrayList<>();
            attempts.forEach(entries::addAll);
            Map<String, List<ResultRow>> byTask = new LinkedHashMap<>();
            tasks.forEach(t -> byTask.put(t.qid(), new ArrayList<>()));
            if (!entries.isEmpty()) {
                List<HumanEvalVTask> graded = tasks.stream().map(HumanEvalVItem::task).toList();
                for (HumanEvalVGrader.SampleVerdict v : HumanEvalVGrader.gradeIn(grading.sandbox(), graded, entries, dataset.version())) {
                    ObjectNode fields = RunDirectory.object().put("pylint_failed", v.pylintFailed()).put("completion", v.completion());
                    byTask.get(v.qid()).add(ResultRow.passFail(v.qid(), v.sample(), v.passed(), v.passed() ? "" : v.result(), fields));
                }
            }
            return tasks.stream().map(t -> byTask.get(t.qid())).toList();
        }

        @Override
        public Metrics metrics(List<HumanEvalVItem> tasks, List<JsonNode> rows) {
            List<Predictions.Entry> items = items(tasks);
            if (items.isEmpty()) throw new UserException("there are no predictions to grade (the predictions file is an empty list)");
            List<HumanEvalVGrader.SampleVerdict> verdicts = new ArrayList<>();
            for (JsonNode row : rows) {
                verdicts.add(new HumanEvalVGrader.SampleVerdict(row.path("task_id").asText(), row.path("sample").asInt(),
                        row.path("passed").asBoolean(), row.path("pylint_failed").asBoolean(),
                        row.path("passed").asBoolean() ? "passed" : row.path("reason").asText(), row.path("completion").asText()));
            }
            HumanEvalVGrader.Version version = dataset.version();
            int reportedK = k() != null ? k() : HumanEvalVGrader.referenceK(items, version);
            OptionalDouble score = HumanEvalVGrader.passAtK(verdicts, reportedK);
            double psr = HumanEvalVGrader.parseSuccessRate(verdicts, items, version);
            long parseFailures = verdicts.stream().filter(v -> HumanEvalVGrader.countsAsParseFailure(v.result(), version)).count();
            Set<String> graded = new HashSet<>();
            verdicts.forEach(v -> graded.add(v.qid()));
            ObjectNode values = RunDirectory.object();
            if (score.isPresent()) values.put("pass@" + reportedK, score.getAsDouble());
            else values.putNull("pass@" + reportedK);
            values.put("psr", psr).put("parse_failures", parseFailures).put("k", reportedK).put("tasks", graded.size())
                    .put("samples", verdicts.size());
            // per task: its pass@k estimate from all its samples (of every epoch); per sample: parsed or not
            Observations observations = new Observations().metric(Observations.pointer("pass@" + reportedK), 0, 100).metric("/psr", 0, 100);
            Map<String, int[]> counts = new LinkedHashMap<>();
            for (HumanEvalVGrader.SampleVerdict v : verdicts) {
                int[] count = counts.computeIfAbsent(v.qid(), q -> new int[2]);
                count[0]++;
                if (v.passed()) count[1]++;
                observations.addPass("/psr", v.qid(), !HumanEvalVGrader.countsAsParseFailure(v.result(), version));
            }
            final int k = reportedK;
            counts.forEach((qid, count) -> {
                if (count[0] >= k) observations.add(Observations.pointer("pass@" + k), 0, 100, qid, 100 * PassAtK.estimate(count[0], count[1], k));
            });
            if (EpochMetrics.epochs(rows) > 1) {
                // the reference's PSR counts one epoch's samples; over epochs it is the mean of each task's parse rate
                psr = Estimate.of(observations.metrics().stream().filter(m -> m.pointer().equals("/psr")).findFirst().orElseThrow().byTask(), 0, 100, Bootstrap.standard()).value();
                values.put("psr", psr);
            }
            List<String> lines = new ArrayList<>();
            lines.add(String.format("pass@%d: %s   PSR: %.1f%%   (%d tasks, %d samples)", reportedK,
                    score.isPresent() ? String.format(Locale.ROOT, "%.1f", score.getAsDouble()) : "not reported (a task has fewer than k samples)",
                    psr, graded.size(), verdicts.size()));
            if (groundTruth) {
                Map<String, Boolean> anyPass = new LinkedHashMap<>();
                verdicts.forEach(v -> anyPass.merge(v.qid(), v.passed(), Boolean::logicalOr));
                List<String> failing = anyPass.entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
                lines.add(failing.isEmpty() ? "every ground-truth solution passes" : "ground-truth solutions that fail: " + failing);
            }
            return new Metrics(values, "pass@" + reportedK, lines, observations);
        }

        void describeCommon(RunRecord record) {
            record.dataset(options.data, options.data, dataset.items().size());
            record.config().put("version", dataset.version().name().toLowerCase(Locale.ROOT));
        }

        static List<Predictions.Entry> reference(HumanEvalVItem item) {
            if (item.groundTruthSolution() == null) throw new UserException("task " + item.qid() + " has no ground_truth_solution");
            return List.of(new Predictions.Entry(item.qid(), List.of("```python\n" + item.groundTruthSolution() + "\n```"), Optional.of("reference")));
        }
    }

    /** A worker's grading sandbox, kept for the worker's batches so that its harness process serves them all. */
    private record GradingSandbox(Sandbox sandbox) implements AutoCloseable {
        @Override
        public void close() { sandbox.close(); }
    }

    /** {@code run}: generation (or the ground truth), then grading as each batch of tasks is answered. */
    private static final class Run extends Common {
        private final RunOptions options;
        private final HumanEvalVGeneration.Setting setting;
        private final HumanEvalVPrompts prompts;
        private final Path predictionsFile;
        private final Map<String, Predictions.Entry> generated = Collections.synchronizedMap(new LinkedHashMap<>());
        // the samples of later epochs (--epochs), by "epoch/qid": each epoch draws its own; predictions.json keeps epoch 1's
        private final Map<String, Predictions.Entry> laterEpochs = new java.util.concurrent.ConcurrentHashMap<>();
        /** The model's server, behind the model-call cache with --cache (null for the reference solutions). */
        private final ChatModel server;

        Run(RunOptions options, EvalContext context) {
            super(options, context, "reference".equals(options.model.model()));
            this.options = options;
            this.server = groundTruth ? null : context.cached(options.model.server());
            this.setting = switch (options.setting) {
                case "v2c" -> HumanEvalVGeneration.Setting.V2C;
                case "v2c-cot" -> HumanEvalVGeneration.Setting.V2C_COT;
                case "v2t2c" -> HumanEvalVGeneration.Setting.V2T2C;
                case "gt-t2c" -> HumanEvalVGeneration.Setting.GT_T2C;
                default -> throw new UserException("unknown --setting \"" + options.setting + "\": use v2c, v2c-cot, v2t2c or gt-t2c");
            };
            if (options.samples < 1) throw new UserException("--samples must be at least 1");
            if (options.model.isReplay()) throw new UserException("HumanEval-V has no recorded answers to replay: grade a predictions file with `evalbox grade humaneval-v`");
            this.prompts = prompts(options.promptFile);
            this.predictionsFile = context.runDir().resolve("predictions.jsonl");
            readGenerated();
        }

        private static HumanEvalVPrompts prompts(Path file) {
            if (file == null) return HumanEvalVPrompts.DEFAULT;
            try {
                return HumanEvalVPrompts.DEFAULT.withCodePrompt(Files.readString(file));
            } catch (IOException e) {
                throw new UserException("--prompt: cannot read " + file + " (" + e.getMessage() + ")");
            }
        }

        /** predictions.jsonl of an earlier session of this run: answers already paid for are graded, not asked again. */
        private void readGenerated() {
            try {
                if (!Files.isRegularFile(predictionsFile)) return;
                RunDirectory.repairTail(predictionsFile);
                for (String line : Files.readAllLines(predictionsFile)) {
                    if (line.isBlank()) continue;
                    JsonNode node = JSON.readTree(line);
                    List<String> samples = new ArrayList<>();
                    node.path("predictions").forEach(p -> samples.add(p.asText()));
                    Predictions.Entry entry = new Predictions.Entry(node.path("qid").asText(), samples,
                            Optional.ofNullable(node.path("prompt").asText(null)));
                    int epoch = node.path("epoch").asInt(1);
                    if (epoch == 1) generated.put(entry.qid(), entry);
                    else laterEpochs.put(epoch + "/" + entry.qid(), entry);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + predictionsFile, e);
            }
        }

        @Override
        int samplesPerTask() { return groundTruth ? 1 : options.samples; }

        @Override
        public List<HumanEvalVItem> tasks() { return dataset.items(); }

        @Override
        List<Predictions.Entry> items(List<HumanEvalVItem> tasks) {
            return tasks.stream().map(t -> generated.get(t.qid())).filter(java.util.Objects::nonNull).toList();
        }

        @Override
        public List<Predictions.Entry> attempt(HumanEvalVItem task, TaskContext context) {
            int epoch = context.epoch();
            Predictions.Entry known = epoch == 1 ? generated.get(task.qid()) : laterEpochs.get(epoch + "/" + task.qid());
            if (known != null) return List.of(known);
            Predictions.Entry entry;
            List<String> errors;
            if (groundTruth) {
                entry = reference(task).get(0);
                errors = List.of();
                context.trajectory().write(new TrajectoryEvent.TaskStarted(task.qid(), Instant.now(), "humaneval-v", "reference",
                        List.of(ChatMessage.user(task.functionSignature()))));
                context.trajectory().write(new TrajectoryEvent.TaskFinished(task.qid(), Instant.now(), StopReason.ANSWERED.key(), 0,
                        String.join("\n\n", entry.predictions()), Usage.NONE));
            } else {
                HumanEvalVGeneration.Generated made = new HumanEvalVGeneration(server.forEpoch(epoch), prompts, options.model.sampling())
                        .generate(task, setting, options.samples, context.trajectory());
                entry = made.entry();
                errors = made.errors();
            }
            append(entry, errors, epoch);
            if (epoch == 1) generated.put(task.qid(), entry);
            else laterEpochs.put(epoch + "/" + task.qid(), entry);
            return List.of(entry);
        }

        private synchronized void append(Predictions.Entry entry, List<String> errors, int epoch) {
            ObjectNode line = JSON.createObjectNode().put("qid", entry.qid()).put("prompt", entry.prompt().orElse(null));
            if (epoch > 1) line.put("epoch", epoch);
            ArrayNode predictions = line.putArray("predictions");
            entry.predictions().forEach(predictions::add);
            ArrayNode errorArray = line.putArray("model_errors");
            errors.forEach(errorArray::add);
            try {
                Files.writeString(predictionsFile, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to " + predictionsFile, e);
            }
        }

        @Override
        public void describe(RunRecord record) {
            describeCommon(record);
            if (!groundTruth) options.model.record(record, HumanEvalVGeneration.sent(HumanEvalVGeneration.sampling(options.samples), options.model.sampling()));
            else options.model.record(record, null);
            record.config().put("setting", options.setting).put("samples", options.samples)
                    .put("prompt", options.promptFile == null ? "evalbox default" : options.promptFile.toAbsolutePath().toString());
        }

        /** predictions.json in the reference's format, so its own evaluate.py can grade this run too. */
        @Override
        public void close() {
            ArrayNode list = JSON.createArrayNode();
            for (HumanEvalVItem item : dataset.items()) {
                Predictions.Entry entry = generated.get(item.qid());
                if (entry == null) continue;
                ObjectNode node = list.addObject().put("qid", entry.qid());
                entry.prompt().ifPresent(p -> node.put("prompt", p));
                ArrayNode samples = node.putArray("predictions");
                entry.predictions().forEach(samples::add);
            }
            try {
                Files.writeString(predictionsFile.resolveSibling("predictions.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(list));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write predictions.json", e);
            }
        }
    }

    /** {@code grade}: a predictions file (or the ground truth), graded task by task. */
    private static final class Grade extends Common {
        private final GradeOptions options;
        private final List<Predictions.Entry> predictions;
        private final Map<String, List<Predictions.Entry>> byQid = new LinkedHashMap<>();

        Grade(GradeOptions options, EvalContext context) {
            super(options, context, options.source.reference);
            this.options = options;
            List<Predictions.Entry> read = new ArrayList<>();
            if (options.source.reference) {
                dataset.items().forEach(item -> read.addAll(reference(item)));
            } else {
                try {
                    read.addAll(Predictions.read(options.source.predictions));
                } catch (IllegalArgumentException e) {
                    throw new UserException(e.getMessage());
                }
            }
            if (read.isEmpty()) throw new UserException("there are no predictions to grade (the predictions file is an empty list)");
            try {
                this.predictions = HumanEvalVGrader.items(read, dataset.version());
                if (dataset.version() == HumanEvalVGrader.Version.V2) Predictions.checkSampleCounts(predictions);
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
            Set<String> known = new HashSet<>();
            dataset.items().forEach(i -> known.add(i.qid()));
            for (Predictions.Entry item : predictions) {
                if (!known.contains(item.qid())) throw new UserException("the predictions name task " + item.qid() + ", which the dataset does not have");
                byQid.computeIfAbsent(item.qid(), q -> new ArrayList<>()).add(item);
            }
            if (dataset.version() == HumanEvalVGrader.Version.V2 && byQid.size() != dataset.items().size()) {
                context.warn("the predictions cover " + byQid.size() + " of the dataset's " + dataset.items().size()
                        + " tasks; HumanEval-V's v2 evaluate.py refuses such a file, evalbox grades the tasks given");
            }
        }

        @Override
        Integer k() { return options.k; }

        @Override
        int samplesPerTask() { return predictions.get(predictions.size() - 1).predictions().size(); }

        /** The tasks with predictions, in dataset order. */
        @Override
        public List<HumanEvalVItem> tasks() {
            return dataset.items().stream().filter(i -> byQid.containsKey(i.qid())).toList();
        }

        @Override
        List<Predictions.Entry> items(List<HumanEvalVItem> tasks) {
            Set<String> wanted = new HashSet<>();
            tasks.forEach(t -> wanted.add(t.qid()));
            return predictions.stream().filter(p -> wanted.contains(p.qid())).toList();
        }

        @Override
        public List<Predictions.Entry> attempt(HumanEvalVItem task, TaskContext context) {
            List<Predictions.Entry> entries = byQid.get(task.qid());
            record(task, entries, context);
            return entries;
        }

        /**
         * The graded answers go into trajectories.jsonl as the task's recorded conversation (its prompt, then each
         * sample as an assistant turn), so a grade's run directory can be replayed like a run's.
         */
        private void record(HumanEvalVItem task, List<Predictions.Entry> entries, TaskContext context) {
            List<ChatMessage> conversation = new ArrayList<>();
            String prompt = entries.get(0).prompt().filter(p -> !p.equals("reference")).orElse(task.functionSignature());
            conversation.add(ChatMessage.user(prompt));
            List<String> samples = new ArrayList<>();
            entries.forEach(e -> samples.addAll(e.predictions()));
            samples.forEach(sample -> conversation.add(ChatMessage.assistant(sample)));
            String source = options.source.reference ? "reference solutions" : "predictions " + options.source.predictions.getFileName();
            context.trajectory().writeRecorded(task.qid(), "humaneval-v", source, conversation, "recorded", 0,
                    samples.isEmpty() ? "" : samples.get(samples.size() - 1));
        }

        @Override
        public void describe(RunRecord record) {
            describeCommon(record);
            record.config().put("predictions", options.source.reference ? "reference" : options.source.predictions.toAbsolutePath().toString())
                    .put("k", options.k);
        }
    }
}
