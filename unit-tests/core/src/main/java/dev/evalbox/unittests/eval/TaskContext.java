package dev.evalbox.unittests.eval;

import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What an attempt and its scoring can use: the run's trajectory file, the task's artifacts folder,
 * the sandbox pool, and state a worker keeps from task to task (a grading sandbox with the benchmark's
 * tests loaded, say). Used by one thread at a time.
 */
public final class TaskContext {
    private final String taskId;
    private final int epoch;
    private final Path runDir;
    private final TrajectoryWriter trajectory;
    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final WorkerState worker;

    TaskContext(String taskId, int epoch, Path runDir, TrajectoryWriter trajectory, SandboxPool pool, SandboxSpec spec,
                WorkerState worker) {
        this.taskId = taskId;
        this.epoch = epoch;
        this.runDir = runDir;
        this.trajectory = trajectory;
        this.pool = pool;
        this.spec = spec;
        this.worker = worker;
    }

    public String taskId() { return taskId; }

    /** The attempt's epoch, from 1. */
    public int epoch() { return epoch; }

    public Path runDir() { return runDir; }

    /** The run's trajectories.jsonl: every model call, judge call and cell of every task; this attempt's events carry its epoch. */
    public TrajectoryWriter trajectory() { return trajectory.forEpoch(epoch); }

    /**
     * Where files of this attempt go: {@code artifacts/<task id>/} of the run directory, and
     * {@code artifacts/<task id>/epoch-<n>/} for the attempts of later epochs (created by whoever writes first).
     */
    public Path artifacts() {
        return artifactsOf(runDir, taskId, epoch);
    }

    /** The folder {@link #artifacts()} names for attempt {@code epoch} of a task, for whoever reads a run back (its report). */
    public static Path artifactsOf(Path runDir, String taskId, int epoch) {
        Path task = runDir.resolve("artifacts").resolve(taskId);
        return epoch <= 1 ? task : task.resolve("epoch-" + epoch);
    }

    /** The pool of the run's sandboxes; fails when the evaluation declared none. */
    public SandboxPool pool() {
        if (pool == null) throw new IllegalStateException("this evaluation declared no sandboxes (Evaluation.sandboxes())");
        return pool;
    }

    /** The sandbox spec from the user's sandbox options. */
    public SandboxSpec sandboxSpec() {
        if (spec == null) throw new IllegalStateException("this evaluation declared no sandboxes (Evaluation.sandboxes())");
        return spec;
    }

    /** A fresh sandbox from the pool with the user's spec; the caller closes it. */
    public Sandbox sandbox() { return pool().acquire(sandboxSpec()); }

    /**
     * State the current worker keeps for all the tasks it takes, opened on first use and closed when
     * the worker ends (a grading session, say).
     */
    public <S extends AutoCloseable> S perWorker(Class<S> key, Supplier<S> open) {
        return worker.get(key, open);
    }

    /** One worker's state objects, closed in reverse order of opening. */
    static final class WorkerState implements AutoCloseable {
        private final Map<Class<?>, AutoCloseable> held = new LinkedHashMap<>();

        <S extends AutoCloseable> S get(Class<S> key, Supplier<S> open) {
            AutoCloseable existing = held.get(key);
            if (existing != null) return key.cast(existing);
            S created = open.get();
            held.put(key, created);
            return created;
        }

        @Override
        public void close() throws Exception {
            Exception first = null;
            var values = new java.util.ArrayList<>(held.values());
            java.util.Collections.reverse(values);
            for (AutoCloseable value : values) {
                try {
                    value.close();
                } catch (Exception e) {
                    if (first == null) first = e; else first.addSuppressed(e);
                }
            }
            held.clear();
            if (first != null) throw first;
        }
    }
}
