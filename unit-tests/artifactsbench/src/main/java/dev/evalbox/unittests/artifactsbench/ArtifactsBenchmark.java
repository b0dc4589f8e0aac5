package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.loop.AgentHooks;
import dev.evalbox.agentloop.loop.AgentLoop;
import dev.evalbox.agentloop.loop.AgentOutcome;
import dev.evalbox.agentloop.cache.CachedChatModel;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.loop.StopReason;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.artifactsbench.bench.BenchArtifactsRenderCommand;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.DemoPart;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.EvalMode;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.MachineCheck;
import dev.evalbox.unittests.eval.Metrics;
import dev.evalbox.unittests.eval.stats.EpochMetrics;
import dev.evalbox.unittests.eval.stats.Observations;
import dev.evalbox.unittests.eval.ModelOptions;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.TaskContext;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.unittests.host.HostCommandException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * ArtifactsBench on the spine: {@code run} has the model answer each task's question in one user turn
 * (answers.jsonl keeps the replies), {@code grade} reads an answers file; either way each answer's page
 * is rendered in headless Chromium and a multimodal judge scores it against the task's checklist. A
 * task without an answer gets a row that does not settle it, so {@code --resume} tries it again.
 */
public final class ArtifactsBenchmark implements Benchmark {

    /** {@code evalbox run artifactsbench}. */
    public static final class RunOptions {
        @Option(names = "--dataset", required = true, description = "The tasks (JSON Lines: index, question, checklist, class, difficulty).")
        Path dataset;

        @Mixin ModelOptions model;
        @Mixin ArtifactsOptions artifacts;
    }

    /** {@code evalbox grade artifactsbench}. */
    public static final class GradeOptions {
        @Option(names = "--dataset", description = "The tasks (JSON Lines: index, question, checklist, class, difficulty); with --from, default: the run's.")
        Path dataset;

        @Option(names = "--answers", description = "The answers (JSON Lines: index and answer, model_infer_result or output).")
        Path answers;

        @Option(names = "--from", paramLabel = "RUN", description = {"Judge again the answers of an ArtifactsBench run or grade directory, showing the judge",
                "the screenshots RUN took (copied into the new directory) instead of rendering again; default --out: RUN/rejudge-<time>."})
        Path from;

        @Mixin ArtifactsOptions artifacts;
    }

    @Override
    public String name() { return "artifactsbench"; }

    @Override
    public String title() { return "ArtifactsBench"; }

    /** A browser's worth of pages ({@code --pages-in-flight}'s default): tasks mostly wait on pages and judges, not on CPU. */
    @Override
    public Optional<String> report(Path runDir, JsonNode run) {
        return Optional.of(new ArtifactsReport(runDir).render(run));
    }

    @Override
    public int defaultConcurrency() { return 8; }

    @Override
    public String[] description(EvalMode mode) {
        return mode == EvalMode.RUN
                ? new String[] {"Run ArtifactsBench: the model answers each task's question in one user turn (as the reference generates;",
                        "answers.jsonl keeps the replies), then each answer is rendered in headless Chromium and judged, exactly as",
                        "`evalbox grade artifactsbench` does. A task whose model call fails has no answer: --resume tries it again."}
                : new String[] {"Grade ArtifactsBench answers: extract the page, render it in headless Chromium (3 screenshots), and have a",
                        "multimodal judge score it against the task's checklist. --render-only skips the judge.",
                        "--judge " + ArtifactsOptions.MEASURING_JUDGE + " is evalbox's scripted in-process judge: it scores what it measures on",
                        "the screenshots, not the checklist, for demos and machines without a model server."};
    }

    @Override
    public List<MachineCheck> doctor() {
        Path chromium = ArtifactRenderer.Settings.defaults().chromium();
        String version = null;
        if (Files.isExecutable(chromium)) {
            try {
                HostCommand.Result result = HostCommand.of(chromium.toString(), "--version").timeout(Duration.ofSeconds(30)).run();
                // Debian's wrapper script may print shell noise before the version line
                if (result.ok()) version = result.out().strip().lines().reduce((first, last) -> last).orElse(null);
            } catch (HostCommandException e) {
                // cannot start or hangs: reported as missing below
            }
        }
        List<MachineCheck> checks = new ArrayList<>();
        checks.add(new MachineCheck("Chromium", version != null, version, "apt-get install chromium (for ArtifactsBench rendering)"));
        if (version != null) {
            // the pages are model-written: evalbox renders them only in an isolated browser (docs/artifactsbench.md, "Isolation")
            Optional<String> isolation = BrowserIsolation.problem();
            checks.add(new MachineCheck("browser isolation", isolation.isEmpty(),
                    "no network, Chromium's sandbox on, as " + BrowserIsolation.plannedUser(), isolation.orElse("")));
        }
        return checks;
    }

    @Override
    public Optional<DemoPart> demo() { return Optional.of(new ArtifactsDemo()); }

    @Override
    public List<Object> benchCommands() { return List.of(new BenchArtifactsRenderCommand()); }

    @Override
    public Object options(EvalMode mode) {
        return mode == EvalMode.RUN ? new RunOptions() : new GradeOptions();
    }

    @Override
    public Path defaultRunDir(EvalMode mode, Object options) {
        return mode == EvalMode.GRADE && ((GradeOptions) options).from != null
                ? RunDirectory.newPath(((GradeOptions) options).from, "rejudge") : null;
    }

    @Override
    public Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context) {
        return mode == EvalMode.RUN ? new Run((RunOptions) options, context) : new Grade((GradeOptions) options, context);
    }

    /** The tasks of a dataset file, its bad lines reported; none usable is an error. */
    static List<ArtifactsTask> readTasks(Path dataset, EvalContext context) {
        if (!Files.isRegularFile(dataset)) throw new UserException("--dataset: no such file " + dataset);
        var tasks = ArtifactsData.readTasks(dataset);
        tasks.problems().forEach(p -> context.warn(p + " (skipped)"));
        if (tasks.items().isEmpty()) throw new UserException(dataset + " has no usable ArtifactsBench task");
        return tasks.items();
    }

    /** What both modes share: the tasks, the rendering and the judge, the rows, the metrics and the record. */
    private abstract static class Common implements Evaluation<ArtifactsTask, ArtifactsAnswer> {
        final Path dataset;
        final ArtifactsOptions artifacts;
        final List<ArtifactsTask> tasks;
        final ArtifactsJudge judge;
        final RendererPool renderers;
        final ArtifactsGrading grading;
        final EvalContext evalContext;

        Common(Path dataset, ArtifactsOptions artifacts, String judgeFallbackBaseUrl, EvalContext context) {
            artifacts.check();
            this.dataset = dataset;
            this.artifacts = artifacts;
            this.evalContext = context;
            this.tasks = readTasks(dataset, context);
            this.judge = artifacts.judge(judgeFallbackBaseUrl, context);
            this.renderers = new RendererPool(artifacts.renderSettings());
            this.grading = new ArtifactsGrading(renderers, judge);
        }

        @Override
        public List<ArtifactsTask> tasks() { return tasks; }

        /** The model's name in the trajectory's task_started events (null when the answers were read from a file). */
        abstract String modelName();

        @Override
        public List<ResultRow> score(ArtifactsTask task, ArtifactsAnswer attempt, TaskContext context) {
            if (attempt.answer() == null) return List.of(ArtifactsGrading.noAnswer(task));
            return List.of(grading.grade(attempt, context.runDir(), context.artifacts(), context.epoch(), judgeCalls(task, context)));
        }

        /** Writes each judge call of the task into the trajectory, as a judge_call event. */
        ArtifactsJudge.CallListener judgeCalls(ArtifactsTask task, TaskContext context) {
            Path runDir = context.runDir();
            return new ArtifactsJudge.CallListener() {
                @Override
                public void called(String prompt, List<Path> images, String reply, Usage usage, int clientAttempts, String error,
                                   java.time.Duration latency) {
                    called(prompt, images, reply, usage, clientAttempts, error, latency, false);
                }

                @Override
                public void called(String prompt, List<Path> images, String reply, Usage usage, int clientAttempts, String error,
                                   java.time.Duration latency, boolean cached) {
                    context.trajectory().write(new TrajectoryEvent.JudgeCall(task.index(), Instant.now(), judge.model().name(), prompt,
                            // the screenshots the judge was shown, as the row names them (their bytes stay in the PNG files)
                            images.stream().map(shot -> runDir.relativize(shot).toString()).toList(), reply, usage, latency.toMillis(),
                            clientAttempts, error, cached));
                }
            };
        }

        /** The conversation starts: the question, the one message the model is (or was) sent. */
        void started(ArtifactsTask task, TaskContext context) {
            context.trajectory().write(new TrajectoryEvent.TaskStarted(task.index(), Instant.now(), "artifactsbench", modelName(),
                    ArtifactsGeneration.opening(task)));
        }

        /** The conversation ends with the model's reply: the answer is final after one turn (the judge's calls follow). */
        static void answered(ArtifactsTask task, TaskContext context, Usage usage, String answer) {
            context.trajectory().write(new TrajectoryEvent.TaskFinished(task.index(), Instant.now(), StopReason.ANSWERED.key(), 1, answer, usage));
        }

        @Override
        public boolean settles(JsonNode row) { return ArtifactsGrading.settles(row); }

        @Override
        public Metrics metrics(List<ArtifactsTask> selected, List<JsonNode> rows) {
            Observations observations = new Observations();
            ObjectNode metrics = ArtifactsGrading.metrics(rows, observations);
            // with epochs each task's score is the mean over its attempts, then averaged over tasks
            if (EpochMetrics.epochs(rows) > 1) observations.writeTaskMeans(metrics);
            List<String> lines = new ArrayList<>();
            lines.add(String.format("mean score: %s over %d scored task(s) of %d answered; %d unscored",
                    metrics.path("mean_score").isNull() ? "-" : String.format("%.1f", metrics.path("mean_score").asDouble()),
                    metrics.path("scored").asInt(), metrics.path("answered").asInt(), metrics.path("unscored").asInt()));
            int noAnswer = metrics.path("no_answer").asInt();
            if (noAnswer > 0) {
                lines.add(noAnswer + " task(s) had no answer: left out of the metrics, as the reference only sees the answers file");
            }
            metrics.path("by_category").fields().forEachRemaining(e -> lines.add(String.format("  %-28s %5.1f  (%d)", e.getKey(),
                    e.getValue().path("mean_score").asDouble(), e.getValue().path("tasks").asInt())));
            return new Metrics(metrics, "mean_score", lines, observations);
        }

        void describeCommon(RunRecord record) {
            record.dataset(dataset, dataset, tasks.size());
            if (judge != null) {
                String base = judge.model() instanceof OpenAiChatModel served ? served.baseUrl()
                        : judge.model() instanceof CachedChatModel cached ? cached.server().baseUrl() : null;
                // the judge is sent no sampling settings: the server's defaults apply
                record.judge(judge.model().name(), base, SamplingParams.DEFAULT);
            }
            ArtifactRenderer.Settings render = artifacts.renderSettings();
            record.config().put("viewport", render.width() + "x" + render.height()).put("screenshots", render.screenshots())
                    .put("screenshot_interval_s", render.interval().toMillis() / 1000.0).put("page_timeout_s", render.timeout().toSeconds())
                    .put("pages_in_flight", render.pagesInFlight()).put("render_only", artifacts.renderOnly())
                    .put("judge_prompt", artifacts.promptFile() == null ? "evalbox default" : artifacts.promptFile().toAbsolutePath().toString());
        }

        @Override
        public void close() { renderers.close(); }
    }

    /** {@code run}: one generation per task, appended to answers.jsonl as it comes, then graded. */
    private static final class Run extends Common {
        private final RunOptions options;
        private final ChatModel server;
        private final Path answersFile;
        // answers a resumed run already has (generated before the run stopped, not yet graded), by "epoch/index"
        private final Map<String, String> earlier = new ConcurrentHashMap<>();

        Run(RunOptions options, EvalContext context) {
            super(options.dataset, options.artifacts, options.model.baseUrl(), context);
            this.options = options;
            if (options.model.isReplay() || "reference".equals(options.model.model())) {
                throw new UserException("ArtifactsBench has no recorded or reference answers to stand in for a model: give a served --model,"
                        + " or grade an answers file with `evalbox grade artifactsbench`");
            }
            this.server = context.cached(options.model.server());
            this.answersFile = context.runDir().resolve("answers.jsonl");
            if (!context.resume() && Files.isRegularFile(answersFile)) {
                throw new UserException(context.runDir() + " already holds answers: add --resume to continue the run, or choose another --out");
            }
            // epoch 1's answers are answers.jsonl (the reference's format); a later epoch's go to answers-epoch-N.jsonl, same format
            for (int epoch = 1; epoch == 1 || Files.isRegularFile(answersFile(epoch)); epoch++) {
                Path file = answersFile(epoch);
                if (!Files.isRegularFile(file)) continue;
                try {
                    RunDirectory.repairTail(file);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot repair " + file, e);
                }
                var loaded = ArtifactsData.readAnswers(file);
                loaded.problems().forEach(p -> context.warn(p + " (generated again)"));
                int of = epoch;
                loaded.items().forEach(e -> earlier.put(of + "/" + e.getKey(), e.getValue()));
            }
        }

        /** Where an epoch's raw replies go: answers.jsonl for the first, answers-epoch-N.jsonl for the others. */
        private Path answersFile(int epoch) {
            return epoch == 1 ? answersFile : answersFile.resolveSibling("answers-epoch-" + epoch + ".jsonl");
        }

        @Override
        String modelName() { return options.model.model(); }

        @Override
        public ArtifactsAnswer attempt(ArtifactsTask task, TaskContext context) {
            String known = earlier.remove(context.epoch() + "/" + task.index());
            if (known != null) {
                started(task, context);
                context.trajectory().write(recorded(task, known));
                answered(task, context, Usage.NONE, known);
                return new ArtifactsAnswer(task, known);
            }
            // the generation is a one-turn agent loop, recorded as any loop is; the answer is graded as any answers
            // file is read: the text after the last </think>, stripped
            AgentOutcome outcome = AgentLoop.generation(options.model.sampling()).run(task.index(), "artifactsbench",
                    ArtifactsGeneration.opening(task), server.forEpoch(context.epoch()), null, context.trajectory(), AgentHooks.answer(ThinkCut::after));
            if (outcome.stopReason() == StopReason.MODEL_ERROR) {
                evalContext.err().println("task " + task.index() + ": model error, no answer (--resume tries again): " + outcome.error());
                return new ArtifactsAnswer(task, null);
            }
            ArtifactsGeneration.append(answersFile(context.epoch()), task, outcome.messages().get(outcome.messages().size() - 1).content());
            return new ArtifactsAnswer(task, outcome.finalAnswer());
        }

        @Override
        public void describe(RunRecord record) {
            describeCommon(record);
            options.model.record(record, options.model.sampling());
            record.config().put("answers", answersFile.toAbsolutePath().toString());
        }
    }

    /** {@code grade}: the answers of a file (any model's, in the benchmark's format). */
    private static final class Grade extends Common {
        private final GradeOptions options;
        private final Map<String, String> answers = new ConcurrentHashMap<>();
        /** With --from a run made with --epochs: the answers of its later epochs, by epoch (from its answers-epoch-N.jsonl). */
        private final Map<Integer, Map<String, String>> laterAnswers = new ConcurrentHashMap<>();
        /** With --from: the run judged again; null otherwise. */
        private final ArtifactsRejudging from;
        private final Path answersFile;

        Grade(GradeOptions options, EvalContext context) {
            this(options, context, options.from == null ? null : ArtifactsRejudging.read(options.from));
        }

        private Grade(GradeOptions options, EvalContext context, ArtifactsRejudging from) {
            super(datasetOf(options, from), options.artifacts, null, context);
            this.options = options;
            this.from = from;
            this.answersFile = from != null ? from.answers() : options.answers;
            if (!Files.isRegularFile(answersFile)) throw new UserException("--answers: no such file " + answersFile);
            var loaded = ArtifactsData.readAnswers(answersFile);
            loaded.problems().forEach(p -> context.warn(p + " (skipped)"));
            loaded.items().forEach(e -> answers.put(e.getKey(), e.getValue()));
            for (int epoch = 2; from != null && epoch <= from.epochs(); epoch++) {
                // a run of an answers file with --epochs judged one set of answers in every epoch: it has no later file
                Optional<Path> file = from.answers(epoch);
                if (file.isEmpty()) continue;
                var later = ArtifactsData.readAnswers(file.get());
                later.problems().forEach(p -> context.warn(p + " (skipped)"));
                Map<String, String> byTask = new ConcurrentHashMap<>();
                later.items().forEach(e -> byTask.put(e.getKey(), e.getValue()));
                laterAnswers.put(epoch, byTask);
            }
        }

        /** With --from a run made with --epochs, its epochs: each of its attempts is judged again. */
        @Override
        public int epochs() { return from != null && from.epochs() > 1 ? from.epochs() : 0; }

        /** The source run's epoch that this attempt judges again: its own, when the run has epochs; else the run's only one. */
        private int sourceEpoch(TaskContext context) {
            return from != null && from.epochs() > 1 ? context.epoch() : 1;
        }

        private static Path datasetOf(GradeOptions options, ArtifactsRejudging from) {
            if (from != null && options.answers != null) {
                throw new UserException("--from takes the answers of the run it judges again: leave out --answers");
            }
            if (from == null && options.answers == null) throw new UserException("give --answers FILE, or --from RUN to judge a run again");
            if (options.dataset != null) return options.dataset;
            if (from == null) throw new UserException("give --dataset FILE (the tasks the answers are for)");
            return from.dataset();
        }

        @Override
        String modelName() { return null; }

        /** With --from, a task the run rendered is judged on the run's screenshots; any other is rendered and judged. */
        @Override
        public List<ResultRow> score(ArtifactsTask task, ArtifactsAnswer attempt, TaskContext context) {
            if (from == null || attempt.answer() == null) return super.score(task, attempt, context);
            var rendered = from.rendered(task.index(), sourceEpoch(context), context.runDir());
            if (rendered.isEmpty()) return super.score(task, attempt, context);
            return List.of(grading.gradeRendered(attempt, rendered.get().fields(), rendered.get().screenshots(), context.epoch(),
                    judgeCalls(task, context)));
        }

        @Override
        public ArtifactsAnswer attempt(ArtifactsTask task, TaskContext context) {
            String answer = laterAnswers.getOrDefault(sourceEpoch(context), answers).get(task.index());
            if (answer != null) {
                started(task, context);
                context.trajectory().write(recorded(task, answer));
                answered(task, context, Usage.NONE, answer);
            }
            return new ArtifactsAnswer(task, answer);
        }

        @Override
        public void describe(RunRecord record) {
            describeCommon(record);
            record.config().put("answers", answersFile.toAbsolutePath().toString());
            if (from != null) record.config().put("from", from.run().toAbsolutePath().toString());
        }
    }

    /** A reply read from an answers file rather than asked of a model now: no latency, no attempts, no usage. */
    private static TrajectoryEvent.ModelResponse recorded(ArtifactsTask task, String answer) {
        return new TrajectoryEvent.ModelResponse(task.index(), Instant.now(), 1, answer, Usage.NONE, 0, 0, null);
    }
}
