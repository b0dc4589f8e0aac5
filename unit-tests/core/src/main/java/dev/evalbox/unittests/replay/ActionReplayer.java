package dev.evalbox.unittests.replay;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.unittests.eval.ActionReplay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Runs a recorded conversation's code again, turn by turn, in a sandbox that already holds the task's
 * inputs, and compares each new observation with the recorded one. Divergence shows where the
 * environment (library versions, missing inputs, randomness) changes what the model saw.
 */
public final class ActionReplayer {
    private ActionReplayer() { }

    /** One turn: the recorded observation, the new one, and whether they are identical. */
    public record Turn(int turn, String code, String recorded, String replayed) {
        public boolean same() { return recorded.equals(replayed); }

        /** The first line where the two differ, for a one-line report; "" when they are the same. */
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

    /** The replay of one task; {@code notes} say what did not go as recorded (a lost session, a missing input). */
    public record TaskReplay(String taskId, List<Turn> turns, List<String> notes) {
        public Optional<Turn> firstDivergence() { return turns.stream().filter(t -> !t.same()).findFirst(); }
    }

    /**
     * Runs a task's {@code actions} in {@code sandbox}, each result shown through {@code observer} (the
     * task's own, so that numbering such as figures' runs as in the run); {@code notes} are carried into
     * the result (what preparing the sandbox said). A cell that loses the session is noted and the session
     * restarted, so later turns still run.
     */
    public static TaskReplay replay(String taskId, List<ActionReplay.Action> actions, Function<ExecutionResult, String> observer,
                                    Sandbox sandbox, Duration cellTimeout, List<String> notes) {
        List<Turn> turns = new ArrayList<>();
        List<String> said = new ArrayList<>(notes);
        for (ActionReplay.Action action : actions) {
            ExecutionResult result = sandbox.execute(action.code(), cellTimeout);
            if (result.stateLost() || !sandbox.isAlive()) {
                said.add("turn " + action.turn() + ": " + result.message());
                if (!sandbox.isAlive()) sandbox.restart();
            }
            String observed = observer.apply(result);
            if (action.recordedObservation() != null) turns.add(new Turn(action.turn(), action.code(), action.recordedObservation(), observed));
        }
        return new TaskReplay(taskId, turns, said);
    }
}
