package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.loop.CodeExtractor;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Action replay of a PyBench conversation: the code of each recorded reply is run again, turn by
 * turn, in a fresh sandbox holding the task's inputs, and each new observation is compared with the
 * recorded one. Divergence shows where the environment (library versions, missing inputs, randomness)
 * changes what the model saw.
 */
public final class PyBenchReplay {
    /** One turn: the recorded observation, the new one, and whether they are identical. */
    public record Turn(int turn, String code, String recorded, String replayed) {
        public boolean same() { return recorded.equals(replayed); }

        /** The first line where the two differ, for a one-line report. */
        public String firstDifference() {
            String[] a = recorded.split("\n", -1);
            String[] b = replayed.split("\n", -1);
            for (int i = 0; i < Math.max(a.length, b.length); i++) {
                String x = i < a.length ? a[i] : "<end>";
                String y = i < b.length ? b[i] : "<end>";
                if (!x.equals(y)) return "line " + (i + 1) + ": recorded \"" + cut(x) + "\", replayed \"" + cut(y) + "\"";
            }
            return "";
        }

        private static String cut(String s) { return s.length() > 120 ? s.substring(0, 120) + "..." : s; }
    }

    /** The replay of one task. */
    public record TaskReplay(String taskId, List<Turn> turns, List<String> notes) {
        public Optional<Turn> firstDivergence() { return turns.stream().filter(t -> !t.same()).findFirst(); }
    }

    private final PyBenchTasks tasks;
    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final Duration cellTimeout;
    private final CodeExtractor extractor = CodeExtractor.firstGroup(PyBenchProtocol.CODE_BLOCK);

    public PyBenchReplay(PyBenchTasks tasks, SandboxPool pool, SandboxSpec spec, Duration cellTimeout) {
        this.tasks = tasks;
        this.pool = pool;
        this.spec = spec;
        this.cellTimeout = cellTimeout;
    }

    /** Replays a conversation in PyBench's message format (the observation follows each reply with code). */
    public TaskReplay replay(String taskId, JsonNode messages) {
        List<Turn> turns = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        try (Sandbox sandbox = pool.acquire(spec)) {
            PyBenchTask task = tasks.get(taskId);
            notes.addAll(tasks.prepareSandbox(task, sandbox));
            int turn = 0;
            for (int i = 0; i < messages.size(); i++) {
                JsonNode message = messages.get(i);
                if (!"assistant".equals(message.path("role").asText())) continue;
                turn++;
                Optional<String> code = extractor.extract(message.path("content").asText());
                if (code.isEmpty()) continue;
                String recorded = i + 1 < messages.size() ? messages.get(i + 1).path("content").asText() : "";
                ExecutionResult result = sandbox.execute(code.get(), cellTimeout);
                if (result.stateLost() || !sandbox.isAlive()) {
                    notes.add("turn " + turn + ": " + result.message());
                    if (!sandbox.isAlive()) sandbox.restart();
                }
                turns.add(new Turn(turn, code.get(), recorded, PyBenchProtocol.observation(result)));
            }
        }
        return new TaskReplay(taskId, turns, notes);
    }
}
