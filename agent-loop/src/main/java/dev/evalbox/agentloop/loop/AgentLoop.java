package dev.evalbox.agentloop.loop;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Sandbox;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The multi-turn code-interpreter loop: ask the model, run the code of its reply in the sandbox,
 * show it the result, until it answers without code or a limit is hit. Every step is written to
 * the trajectory as it happens.
 */
public final class AgentLoop {
    private final AgentProtocol protocol;

    public AgentLoop(AgentProtocol protocol) { this.protocol = protocol; }

    public AgentProtocol protocol() { return protocol; }

    /** Runs a task with the protocol's plain loop ({@link AgentHooks#of}). */
    public AgentOutcome run(String taskId, String benchmark, List<ChatMessage> opening, ChatModel model, Sandbox sandbox,
                            TrajectoryWriter trajectory) {
        return run(taskId, benchmark, opening, model, sandbox, trajectory, AgentHooks.of(protocol));
    }

    /** Runs a task with a benchmark's own hooks (how it asks, reads replies, shows results and stops). */
    public AgentOutcome run(String taskId, String benchmark, List<ChatMessage> opening, ChatModel model, Sandbox sandbox,
                            TrajectoryWriter trajectory, AgentHooks hooks) {
        long started = System.nanoTime();
        List<ChatMessage> messages = new ArrayList<>(opening);
        Usage usage = Usage.NONE;
        trajectory.write(new TrajectoryEvent.TaskStarted(taskId, Instant.now(), benchmark, model.name(), opening));
        hooks.start();
        StopReason stop = StopReason.MAX_TURNS;
        String error = null;
        int turns = 0;
        for (int turn = 1; turn <= protocol.maxTurns(); turn++) {
            Optional<StopReason> before = hooks.beforeCall();
            if (before.isPresent()) {
                stop = before.get();
                break;
            }
            if (protocol.wallClock() != null && System.nanoTime() - started > protocol.wallClock().toNanos()) {
                stop = StopReason.WALL_CLOCK;
                break;
            }
            if (protocol.tokenBudget() > 0 && usage.total() >= protocol.tokenBudget()) {
                stop = StopReason.TOKEN_BUDGET;
                break;
            }
            trajectory.write(new TrajectoryEvent.ModelRequest(taskId, Instant.now(), turn, messages.size()));
            ChatCompletion completion;
            try {
                completion = model.complete(new ChatRequest(hooks.request(messages), protocol.sampling()));
            } catch (ModelException e) {
                trajectory.write(new TrajectoryEvent.Error(taskId, Instant.now(), turn, "model_" + e.kind().name().toLowerCase(Locale.ROOT),
                        e.getMessage()));
                stop = StopReason.MODEL_ERROR;
                error = e.getMessage();
                break;
            }
            turns = turn;
            usage = usage.plus(completion.usage());
            String reply = completion.text();
            messages.add(ChatMessage.assistant(reply));
            trajectory.write(new TrajectoryEvent.ModelResponse(taskId, Instant.now(), turn, reply, completion.usage(),
                    completion.latency().toMillis(), completion.attempts(), completion.finishReason(), completion.cached()));
            AgentHooks.Action action = hooks.read(reply);
            if (action instanceof AgentHooks.Action.Stop end) {
                stop = end.reason();
                break;
            }
            String cell = hooks.cell(((AgentHooks.Action.Run) action).code());
            ExecutionResult result = cell == null ? null : execute(taskId, turn, cell, sandbox, trajectory);
            String observation = hooks.observe(result, turn);
            messages.add(new ChatMessage(protocol.observationRole(), observation, List.of()));
            trajectory.write(new TrajectoryEvent.Observation(taskId, Instant.now(), turn, protocol.observationRole(), observation));
            Optional<StopReason> after = hooks.afterObservation(observation);
            if (after.isPresent()) {
                stop = after.get();
                break;
            }
        }
        String finalAnswer = hooks.finalAnswer(messages);
        trajectory.write(new TrajectoryEvent.TaskFinished(taskId, Instant.now(), stop.key(), turns, finalAnswer, usage));
        return new AgentOutcome(messages, stop, turns, finalAnswer, usage, error);
    }

    private ExecutionResult execute(String taskId, int turn, String cell, Sandbox sandbox, TrajectoryWriter trajectory) {
        ExecutionResult result = sandbox.execute(cell, protocol.cellTimeout());
        trajectory.write(new TrajectoryEvent.CodeExecution(taskId, Instant.now(), turn, cell,
                result.status().name().toLowerCase(Locale.ROOT), result.outputs(), result.duration().toMillis(), result.stateLost(),
                result.message()));
        if (result.status() == ExecutionStatus.CRASHED || result.status() == ExecutionStatus.OOM) {
            // The model is told (through the observation) and may go on in a fresh interpreter.
            trajectory.write(new TrajectoryEvent.Error(taskId, Instant.now(), turn, "sandbox_" + result.status().name().toLowerCase(Locale.ROOT),
                    result.message()));
            sandbox.restart();
        } else if (!result.ok() && !sandbox.isAlive()) {
            sandbox.restart(); // whatever ended the interpreter, the next cell needs one
        }
        return result;
    }
}
