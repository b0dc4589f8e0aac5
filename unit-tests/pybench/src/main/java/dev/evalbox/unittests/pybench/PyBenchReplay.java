package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.replay.ActionReplayer;
import java.time.Duration;
import java.util.List;

/**
 * Action replay of PyBench conversations against a checkout (what {@code evalbox bench pybench} measures):
 * each task in a fresh sandbox from the pool, holding its inputs, replayed by the shared {@link ActionReplayer}.
 */
public final class PyBenchReplay {
    private final PyBenchTasks tasks;
    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final Duration cellTimeout;
    private final PyBenchActions actions = new PyBenchActions();

    public PyBenchReplay(PyBenchTasks tasks, SandboxPool pool, SandboxSpec spec, Duration cellTimeout) {
        this.tasks = tasks;
        this.pool = pool;
        this.spec = spec;
        this.cellTimeout = cellTimeout;
    }

    /** Replays a conversation in PyBench's message format (the observation follows each reply with code). */
    public ActionReplayer.TaskReplay replay(String taskId, JsonNode messages) {
        try (Sandbox sandbox = pool.acquire(spec)) {
            List<String> notes = tasks.prepareSandbox(tasks.get(taskId), sandbox);
            return ActionReplayer.replay(taskId, actions.actions(taskId, messages, List.of()), actions.observer(taskId), sandbox, cellTimeout, notes);
        }
    }
}
