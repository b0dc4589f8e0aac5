package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.loop.CodeExtractor;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.unittests.eval.ActionReplay;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * PyBench's recorded actions: the first fenced python block of each assistant message is the code it
 * ran, and the message after it is the observation the model was shown (PyBench's format).
 */
final class PyBenchActions implements ActionReplay {
    private final CodeExtractor extractor = CodeExtractor.firstGroup(PyBenchProtocol.CODE_BLOCK);

    @Override
    public List<Action> actions(String taskId, JsonNode messages, List<TrajectoryEvent> events) {
        List<Action> actions = new ArrayList<>();
        int turn = 0;
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!"assistant".equals(message.path("role").asText())) continue;
            turn++;
            Optional<String> code = extractor.extract(message.path("content").asText());
            if (code.isEmpty()) continue;
            String recorded = i + 1 < messages.size() ? messages.get(i + 1).path("content").asText() : "";
            actions.add(new Action(turn, code.get(), recorded));
        }
        return actions;
    }

    @Override
    public Function<ExecutionResult, String> observer(String taskId) { return PyBenchProtocol::observation; }
}
