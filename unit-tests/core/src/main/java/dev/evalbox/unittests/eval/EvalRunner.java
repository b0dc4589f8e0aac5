package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import dev.evalbox.unittests.report.RunReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Runs any {@link Benchmark}: owns the run directory and its record (run.json, results.jsonl,
 * trajectories.jsonl, report.html), {@code --resume} (tasks with rows in results.jsonl are skipped,
 * also after {@code kill -9}: a torn last line is cut), the sandbox pool and its size, the task
 * concurrency, progress, Ctrl-C (run.json says {@code interrupted} and how to go on) and the metrics
 * and report at the end. A benchmark only says what a task is, how it is attempted and scored, and
 * what its metrics are.
 */
public final class EvalRunner {

    /**
     * What the user chose about the run rather than the benchmark.
     *
     * @param runDir     the run directory, or null for {@code runs/<benchmark>-<time>}
     * @param limit      only the first N tasks, or null for all
     * @param sandboxes  opens the provider of the user's backend (the CLI's choice of Docker or local)
     */
    public record Settings(Path runDir, boolean resume, Integer limit, int concurrency, List<String> commandLine,
                           String evalboxVersion, String evalboxCommit, Function<SandboxOptions, SandboxProvider> sandboxes,
                           RunListener listener, PrintStream out, PrintStream err, CacheUse cache) {
        public Settings {
            if (concurrency < 1) throw new UserException("--concurrency must be at least 1");
            if (limit != null && limit < 0) throw new UserException("--limit must not be negative");
            commandLine = List.copyOf(commandLine);
            if (listener == null) listener = RunListener.NONE;
        }

        /** Settings without the model-call cache. */
        public Settings(Path runDir, boolean resume, Integer limit, int concurrency, List<String> commandLine,
                        String evalboxVersion, String evalboxCommit, Function<SandboxOptions, SandboxProvider> sandboxes,
                        RunListener listener, PrintStream out, PrintStream err) {
            this(runDir, resume, limit, concurrency, commandLine, evalboxVersion, evalboxCommit, sandboxes, listener, out, err, null);
        }
    }

    /** What a run left: its directory, how it ended and its metrics (null unless finished). */
    public record Outcome(Path runDir, RunRecord.Status status, Metrics metrics) { }

    private final Settings settings;

    public EvalRunner(Settings settings) { this.settings = settings; }

    /** Runs or grades the benchmark with the options the user gave; the run directory holds the result. */
    public Outcome run(Benchmark benchmark, EvalMode mode, Object options) {
        if (!benchmark.supports(mode)) {
            throw new UserException(benchmark.title() + " has no `" + mode.verb() + "` (try `evalbox run " + benchmark.name() + "`)");
        }
        Path runDir = runPath(benchmark, mode, options);
        try (RunDirectory dir = RunDirectory.open(runDir);
             Evaluation<?, ?> evaluation = benchmark.open(mode, options, new EvalContext(runDir, settings.resume(), settings.err(), settings.cache()))) {
            return execute(benchmark, mode, evaluation, dir);
        }
    }

    private Path runPath(Benchmark benchmark, EvalMode mode, Object options) {
        String kind = mode == EvalMode.RUN ? benchmark.name() : "grade-" + benchmark.name();
        Path path = settings.runDir() != null ? settings.runDir() : benchmark.defaultRunDir(mode, options);
        if (path == null) path = RunDirectory.newPath(Path.of("runs"), kind);
        if (!settings.resume() && Files.isRegularFile(path.resolve("results.jsonl"))) {
            throw new UserException(path + " already holds a run: add --resume to continue it, or choose another --out");
        }
        if (settings.resume() && !Files.isRegularFile(path.resolve("run.json"))) {
            throw new UserException("--resume: " + path + " holds no run (no run.json); give the run's directory with --out");
        }
        return path;
    }

    private <T extends EvalTask, A> Outcome execute(Benchmark benchmark, EvalMode mode, Evaluation<T, A> evaluation, RunDirectory dir) {
        List<T> tasks = evaluation.tasks();
        if (settings.limit() != null) tasks = tasks.subList(0, Math.min(settings.limit(), tasks.size()));
        checkUniqueIds(tasks);
        Set<String> done = settled(dir.path(), evaluation);
        List<T> todo = tasks.stream().filter(t -> !done.contains(t.id())).toList();
        if (settings.resume()) {
            settings.err().println("resuming " + dir.path() + ": " + (tasks.size() - todo.size()) + " task(s) done, " + todo.size() + " to go");
        }
        RunRecord record = new RunRecord(benchmark.name(), mode, Instant.now(), settings.commandLine(), settings.evalboxVersion(),
                settings.evalboxCommit());
        record.concurrency(settings.concurrency());
        record.cache(settings.cache());
        evaluation.describe(record);
        var use = evaluation.sandboxes();
        SandboxProvider provider = use.map(u -> settings.sandboxes().apply(u.options())).orElse(null);
        SandboxSpec spec = use.map(u -> u.options().spec()).orElse(null);
        if (provider != null) record.sandbox(provider.backend(), spec);
        AtomicBoolean over = new AtomicBoolean();
        int total = tasks.size();
        Runnable interrupted = () -> {
            record.usage(RunUsage.of(dir.path().resolve("trajectories.jsonl")));
            record.status(RunRecord.Status.INTERRUPTED, Instant.now());
            dir.writeRunJson(record.json());
            settings.err().printf("%ninterrupted: %d of %d task(s) are recorded in %s; continue with the same command and --resume --out %s%n",
                    settled(dir.path(), evaluation).size(), total, dir.path(), dir.path());
        };
        Thread onExit = new Thread(() -> {
            if (!over.get()) interrupted.run();
        }, "evalbox-run-interrupted");
        try (provider;
             SandboxPool pool = provider == null ? null : new SandboxPool(provider, Math.min(settings.concurrency(), 4),
                     settings.concurrency() * use.get().perTask());
             TrajectoryWriter trajectories = new TrajectoryWriter(dir.path().resolve("trajectories.jsonl"))) {
            dir.writeRunJson(record.json());
            Runtime.getRuntime().addShutdownHook(onExit);
            settings.listener().started(benchmark.name(), todo.size(), tasks.size() - todo.size());
            AtomicInteger attempted = new AtomicInteger();
            int batch = Math.max(1, evaluation.scoreBatchSize(todo.size(), settings.concurrency()));
            List<List<T>> batches = new ArrayList<>();
            for (int i = 0; i < todo.size(); i += batch) batches.add(todo.subList(i, Math.min(todo.size(), i + batch)));
            Workers.run(batches, settings.concurrency(), TaskContext.WorkerState::new, (worker, some) -> {
                List<TaskContext> contexts = new ArrayList<>();
                List<A> attempts = new ArrayList<>();
                for (T task : some) {
                    TaskContext context = new TaskContext(task.id(), 1, dir.path(), trajectories, pool, spec, worker);
                    contexts.add(context);
                    attempts.add(evaluation.attempt(task, context));
                }
                List<List<ResultRow>> scored = evaluation.scoreBatch(some, attempts, contexts);
                for (int i = 0; i < some.size(); i++) {
                    T task = some.get(i);
                    List<ResultRow> rows = scored.get(i);
                    dir.appendResults(rows.stream().map(row -> rowJson(task, 1, row)).toList());
                    attempted.incrementAndGet();
                    settings.listener().taskDone(task.id(), !rows.isEmpty() && rows.stream().allMatch(ResultRow::succeeded));
                }
            });
            settings.listener().tasksOver();
            if (attempted.get() < todo.size()) {
                over.set(true);
                interrupted.run();
                return new Outcome(dir.path(), RunRecord.Status.INTERRUPTED, null);
            }
            Metrics metrics = evaluation.metrics(tasks, rowsOf(dir.path(), tasks));
            over.set(true);
            record.metrics(metrics.values());
            ObjectNode usage = RunUsage.of(dir.path().resolve("trajectories.jsonl"));
            record.usage(usage);
            record.status(RunRecord.Status.FINISHED, Instant.now());
            dir.writeRunJson(record.json());
            dir.writeMetricsJson(metrics.values());
            settings.out().println();
            metrics.summary().forEach(settings.out()::println);
            if (settings.cache() != null) settings.out().println(RunUsage.summary(usage));
            settings.out().println("run directory: " + dir.path().toAbsolutePath());
            settings.out().println("report: " + new RunReport(dir.path()).write().toAbsolutePath());
            return new Outcome(dir.path(), RunRecord.Status.FINISHED, metrics);
        } catch (RuntimeException | Error e) {
            if (!over.getAndSet(true)) {
                boolean stopped = e instanceof ThreadDeath;
                record.status(stopped ? RunRecord.Status.INTERRUPTED : RunRecord.Status.FAILED, Instant.now());
                if (!stopped) record.error(e.getMessage() == null ? e.getClass().getName() : e.getMessage());
                dir.writeRunJson(record.json());
            }
            throw e;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onExit);
            } catch (IllegalStateException | IllegalArgumentException shuttingDownOrNotAdded) {
                // the hook is running (Ctrl-C) or was never added
            }
        }
    }

    /** The row as results.jsonl holds it: the common columns first, then the task's metadata, then the benchmark's fields. */
    public static ObjectNode rowJson(EvalTask task, int epoch, ResultRow row) {
        ObjectNode line = RunDirectory.object();
        line.put("task_id", row.taskId()).put("epoch", epoch).put("sample", row.sample());
        // the row's own kind of verdict is always written, null or not; the other only when it is given
        if (row.verdict() == ResultRow.Verdict.SCORE || row.score() != null) line.put("score", row.score());
        if (row.verdict() == ResultRow.Verdict.PASS_FAIL || row.passed() != null) line.put("passed", row.passed());
        line.put("reason", row.reason());
        task.metadata().forEach((key, value) -> {
            if (!row.fields().has(key)) line.put(key, value);
        });
        row.fields().fields().forEachRemaining(field -> {
            if (!line.has(field.getKey())) line.set(field.getKey(), field.getValue());
        });
        return line;
    }

    /** The tasks --resume skips: those whose last row settles them (see {@link Evaluation#settles}). */
    private static Set<String> settled(Path runDir, Evaluation<?, ?> evaluation) {
        java.util.Map<String, JsonNode> last = new java.util.LinkedHashMap<>();
        RunDirectory.readResults(runDir).forEach(row -> last.put(row.path("task_id").asText(), row));
        Set<String> done = new HashSet<>();
        last.forEach((task, row) -> {
            if (evaluation.settles(row)) done.add(task);
        });
        return done;
    }

    private static List<JsonNode> rowsOf(Path runDir, List<? extends EvalTask> tasks) {
        Set<String> ids = new HashSet<>();
        tasks.forEach(t -> ids.add(t.id()));
        List<JsonNode> rows = new ArrayList<>();
        for (JsonNode row : RunDirectory.readResults(runDir)) {
            if (ids.contains(row.path("task_id").asText())) rows.add(row);
        }
        return rows;
    }

    private static void checkUniqueIds(List<? extends EvalTask> tasks) {
        Set<String> seen = new HashSet<>();
        for (EvalTask task : tasks) {
            if (!seen.add(task.id())) throw new UserException("the dataset has two tasks with the id \"" + task.id() + "\"");
        }
    }
}
