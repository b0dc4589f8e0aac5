package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.ExecutionResult;
import java.util.List;
import java.util.function.Function;

/**
 * How a benchmark's recorded code is run again (action replay, {@code evalbox replay --actions}): the
 * code each model turn ran, read from a recorded task together with the observation the model was
 * shown for it, and the observation this benchmark would show for a new execution result. The replayer
 * puts the task's inputs in a fresh sandbox ({@link Benchmark#prepareSandbox}), runs each action in
 * order and compares the observations. Given by {@link Benchmark#actionReplay()}.
 */
public interface ActionReplay {

    /**
     * One piece of code to run: the model turn it belongs to (from 1; 0 for code the benchmark ran before
     * the model was asked), the code, and the observation the model was then shown, or null for code
     * whose output the model never saw (it runs, for the session's state, and is not compared).
     */
    record Action(int turn, String code, String recordedObservation) { }

    /**
     * The actions of a recorded task, in order. {@code messages} is its conversation ({"role", "content"});
     * {@code events} are its trajectory's events (the cells as run, the observations as shown), empty for a
     * trajectory file in a benchmark's own format, which has none.
     */
    List<Action> actions(String taskId, JsonNode messages, List<TrajectoryEvent> events);

    /** The observation the benchmark shows the model for each result of one task's replay, in the form the recorded ones have. */
    Function<ExecutionResult, String> observer(String taskId);

    /**
     * The observer of the task's attempt of {@code epoch} (from 1), for a benchmark whose observations name the attempt's
     * files (a later epoch's are in artifacts/TASK/epoch-N/); by default the same for every epoch.
     */
    default Function<ExecutionResult, String> observer(String taskId, int epoch) { return observer(taskId); }
}
