package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import dev.evalbox.unittests.eval.stats.Bootstrap;
import dev.evalbox.unittests.eval.stats.EpochMetrics;
import dev.evalbox.unittests.eval.stats.Uncertainty;
import dev.evalbox.unittests.report.RunReport;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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
     * @param epochs     attempts per task (each in fresh sandboxes), rows carry {@code epoch} 1..epochs
     * @param sandboxes  opens the provider of the user's backend (the CLI's choice of Docker or local)
     */
    public record Settings(Path runDir, boolean resume, Integer limit, int epochs, int concurrency, List<String> commandLine,
                           String evalboxVersion, String evalboxCommit, Function<SandboxOptions, SandboxProvider> sandboxes,
                           RunListener listener, PrintStream out, PrintStream err, CacheUse cache) {
        public Settings {
            if (concurrency < 1) throw new UserException("--concurrency must be at least 1");
            if (limit != null && limit < 0) throw new UserException("--limit must not be negative");
            if (epochs < 1) throw new UserException("--epochs must be at least 1");
            commandLine = List.copyOf(commandLine);
            if (listener == null) listener = RunListener.NONE;
        }

        /** Settings without the model-call cache. */
        public Settings(Path runDir, boolean resume, Integer limit, int epochs, int concurrency, List<String> commandLine,
                        String evalboxVersion, String evalboxCommit, Function<SandboxOptions, SandboxProvider> sandboxes,
                        RunListener listener, PrintStream out, PrintStream err) {
            this(runDir, resume, limit, epochs, concurrency, commandLine, evalboxVersion, evalboxCommit, sandboxes, listener, out, err, null);
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
        boolean created = !Files.exists(runDir);
        try (RunDirectory dir = RunDirectory.open(runDir);
             Evaluation<?, ?> evaluation = benchmark.open(mode, options, new EvalContext(runDir, settings.resume(), settings.err(), settings.cache()))) {
            return execute(benchmark, mode, evaluation, dir);
        } catch (RuntimeException e) {
            if (created) forgetIfNeverStarted(runDir);
            throw e;
        }
    }

    /**
     * Removes a run directory this run created and then failed before it began (a checkout that is not one, no
     * sandbox backend, ...): it holds no run.json and only empty files, and left there it would make the same
     * command, corrected, refuse its --out as "already holds a run". Anything with content is kept.
     */
    private static void forgetIfNeverStarted(Path runDir) {
        if (Files.exists(runDir.resolve("run.json"))) return;
        try (var walk = Files.walk(runDir)) {
            List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path path : all) {
                if (Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS) && Files.size(path) > 0) return;
                if (!Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
            }
            for (Path path : all) Files.delete(path);
        } catch (java.io.IOException e) {
            // left as it is: the error that ended the run is the one to report
        }
    }

    private Path runPath(Benchmark benchmark, EvalMode mode, Object options) {
        String kind = mode == EvalMode.GRADE ? "grade-" + benchmark.name() : benchmark.name();
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
        Set<String> settledKeys = settled(dir.path(), evaluation);
        // an evaluation with epochs of its own (a replay: the recorded run's) has them whatever --epochs says
        int epochs = evaluation.epochs() > 0 ? evaluation.epochs() : settings.epochs();
        if (evaluation.epochs() > 0 && settings.epochs() > 1 && settings.epochs() != epochs) {
            settings.err().println("note: --epochs " + settings.epochs() + " is left aside: this " + mode.name().toLowerCase(java.util.Locale.ROOT)
                    + " has " + epochs + " epoch(s) of its own");
        }
        // epoch by epoch, so that an interrupted run has its first epochs whole
        List<Attempt<T>> todo = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            for (T task : tasks) {
                if (!settledKeys.contains(attemptKey(task.id(), epoch))) todo.add(new Attempt<>(task, epoch));
            }
        }
        int attemptsInAll = tasks.size() * epochs;
        String unit = epochs > 1 ? " attempt(s)" : " task(s)";
        if (settings.resume()) {
            // with one epoch an attempt is a task, and the message says so as it always has
            settings.err().println("resuming " + dir.path() + ": " + (attemptsInAll - todo.size()) + unit + " done, " + todo.size() + " to go"
                    + (epochs > 1 ? " (" + tasks.size() + " tasks x " + epochs + " epochs)" : ""));
        }
        RunRecord record = new RunRecord(benchmark.name(), mode, Instant.now(), settings.commandLine(), settings.evalboxVersion(),
                settings.evalboxCommit());
        record.concurrency(settings.concurrency());
        record.cache(settings.cache());
        evaluation.describe(record);
        var use = evaluation.sandboxes();
        SandboxProvider provider = use.map(u -> settings.sandboxes().apply(u.options())).orElse(null);
        SandboxSpec spec = use.map(u -> u.options().spec()).orElse(null);
        if (provider != null) record.sandbox(provider, spec);
        // the backend's counts as they stand, into every run.json written at an end (finished, interrupted, failed)
        Runnable counted = () -> {
            if (provider != null) record.sandboxCounters(provider.counters());
        };
        AtomicBoolean over = new AtomicBoolean();
        int total = attemptsInAll;
        Runnable interrupted = () -> {
            counted.run();
            record.usage(RunUsage.of(dir.path().resolve("trajectories.jsonl")));
            record.status(RunRecord.Status.INTERRUPTED, Instant.now());
            dir.writeRunJson(record.json());
            settings.err().printf("%ninterrupted: %d of %d%s are recorded in %s; continue with the same command and --resume --out %s%n",
                    settled(dir.path(), evaluation).size(), total, unit, dir.path(), dir.path());
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
            settings.listener().started(benchmark.name(), todo.size(), attemptsInAll - todo.size());
            AtomicInteger attempted = new AtomicInteger();
            int batch = Math.max(1, evaluation.scoreBatchSize(todo.size(), settings.concurrency()));
            List<List<Attempt<T>>> batches = new ArrayList<>();
            // a batch holds one epoch's attempts only, so a benchmark never scores one task twice in a batch
            for (int i = 0; i < todo.size(); ) {
                int end = i;
                while (end < todo.size() && end - i < batch && todo.get(end).epoch() == todo.get(i).epoch()) end++;
                batches.add(todo.subList(i, end));
                i = end;
            }
            // two epochs of one task never run at once: a benchmark may keep a task's files in one place (PyBench's
            // output/), and with fewer tasks than workers the next epoch's attempt would start beside the last one's
            Map<String, ReentrantLock> running = new ConcurrentHashMap<>();
            Workers.run(batches, settings.concurrency(), TaskContext.WorkerState::new, (worker, some) -> {
                List<T> someTasks = some.stream().map(Attempt::task).toList();
                List<ReentrantLock> held = someTasks.stream().map(EvalTask::id).distinct().sorted()
                        .map(id -> running.computeIfAbsent(id, k -> new ReentrantLock())).toList();
                // taken in one order by every batch, so no two batches wait for each other; a stopped run stops waiting
                List<ReentrantLock> taken = new ArrayList<>();
                try {
                    for (ReentrantLock lock : held) {
                        lock.lockInterruptibly();
                        taken.add(lock);
                    }
                    attemptAndScore(evaluation, some, someTasks, worker, dir, trajectories, pool, spec, attempted);
                } catch (InterruptedException stopped) {
                    Thread.currentThread().interrupt(); // the run is being stopped: these attempts are left for --resume
                } finally {
                    taken.forEach(ReentrantLock::unlock);
                }
            });            settings.listener().tasksOver();
            if (attempted.get() < todo.size()) {
                over.set(true);
                interrupted.run();
                return new Outcome(dir.path(), RunRecord.Status.INTERRUPTED, null);
            }
            List<JsonNode> rows = rowsOf(dir.path(), tasks);
            Metrics metrics = Uncertainty.attach(EpochMetrics.attach(evaluation.metrics(tasks, rows), rows), Bootstrap.standard());
            metrics.values().put("headline", metrics.headline());
            over.set(true);
            record.metrics(metrics.values());
            ObjectNode usage = RunUsage.of(dir.path().resolve("trajectories.jsonl"));
            record.usage(usage);
            record.status(RunRecord.Status.FINISHED, Instant.now());
            counted.run();
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
                counted.run();
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

    /** Attempts a batch's attempts and scores them together, appending each task's rows as they are scored. */
    private <T extends EvalTask, A> void attemptAndScore(Evaluation<T, A> evaluation, List<Attempt<T>> some, List<T> someTasks,
                                                       TaskContext.WorkerState worker, RunDirectory dir, TrajectoryWriter trajectories,
                                                       SandboxPool pool, SandboxSpec spec, AtomicInteger attempted) {
        List<TaskContext> contexts = new ArrayList<>();
        List<A> attempts = new ArrayList<>();
        for (Attempt<T> item : some) {
            TaskContext context = new TaskContext(item.task().id(), item.epoch(), dir.path(), trajectories, pool, spec, worker);
            contexts.add(context);
            attempts.add(evaluation.attempt(item.task(), context));
        }
        List<List<ResultRow>> scored = evaluation.scoreBatch(someTasks, attempts, contexts);
        for (int i = 0; i < some.size(); i++) {
            T task = someTasks.get(i);
            int epoch = some.get(i).epoch();
            List<ResultRow> rows = scored.get(i);
            dir.appendResults(rows.stream().map(row -> rowJson(task, epoch, row)).toList());
            attempted.incrementAndGet();
            settings.listener().taskDone(task.id(), !rows.isEmpty() && rows.stream().allMatch(ResultRow::succeeded));
        }
    }

    /** One attempt to make: a task in an epoch. */
    private record Attempt<T>(T task, int epoch) { }

    private static String attemptKey(String taskId, int epoch) { return epoch + "\u0000" + taskId; }

    /**
     * The attempts --resume skips, as (task, epoch) keys: those whose last row settles them (see
     * {@link Evaluation#settles}); a row written before epochs existed is epoch 1.
     */
    private static Set<String> settled(Path runDir, Evaluation<?, ?> evaluation) {
        java.util.Map<String, JsonNode> last = new java.util.LinkedHashMap<>();
        RunDirectory.readResults(runDir).forEach(row -> last.put(attemptKey(row.path("task_id").asText(), row.path("epoch").asInt(1)), row));
        Set<String> done = new HashSet<>();
        last.forEach((key, row) -> {
            if (evaluation.settles(row)) done.add(key);
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
