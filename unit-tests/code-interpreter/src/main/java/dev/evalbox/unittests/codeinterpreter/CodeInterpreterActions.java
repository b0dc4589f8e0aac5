package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.unittests.eval.ActionReplay;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The Code Interpreter benchmark's recorded actions, from the task's trajectory: each cell as it ran
 * (the session prelude and the upload paths already in it) with the observation of the same turn; an
 * Easy item's prefill (turn 0) runs first and is not compared, since the model never saw its output.
 * Observations are formatted as the run formatted them, figures numbered per task from 1.
 */
final class CodeInterpreterActions implements ActionReplay {

    @Override
    public List<Action> actions(String taskId, JsonNode messages, List<TrajectoryEvent> events) {
        Map<Integer, String> observations = new HashMap<>();
        for (TrajectoryEvent event : events) {
            if (event instanceof TrajectoryEvent.Observation o) observations.put(o.turn(), o.content());
        }
        List<Action> actions = new ArrayList<>();
        for (TrajectoryEvent event : events) {
            if (event instanceof TrajectoryEvent.CodeExecution e) {
                actions.add(new Action(e.turn(), e.code(), e.turn() == 0 ? null : observations.getOrDefault(e.turn(), "")));
            }
        }
        return actions;
    }

    @Override
    public Function<ExecutionResult, String> observer(String taskId) { return observer(taskId, 1); }

    @Override
    public Function<ExecutionResult, String> observer(String taskId, int epoch) {
        int[] figures = {0};
        // the run saved each figure as artifacts/TASK/fig-NNN.png (artifacts/TASK/epoch-N/ for a later epoch's attempt)
        // and showed that path; the replay shows the same names
        String folder = epoch <= 1 ? "artifacts/" + taskId + "/" : "artifacts/" + taskId + "/epoch-" + epoch + "/";
        return result -> "Observation: " + Observation.format(result,
                png -> String.format("%sfig-%03d.png", folder, ++figures[0]), 1, CodeInterpreterAgent.CELL_TIMEOUT);
    }
}
