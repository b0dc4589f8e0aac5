package dev.evalbox.agentloop.loop;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.RecordedChatModel;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Sandbox;
import java.time.Duration;
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

    /**
     * A single generation as a loop of one turn, so that it is recorded and ends as any task's loop does
     * (task_started, model_request, model_response or error, task_finished): the opening is sent once with
     * {@code sampling}, no sandbox is used, and the reply is the answer ({@link AgentHooks#answer}).
     */
    public static AgentLoop generation(SamplingParams sampling) { return generations(1, sampling); }

    /**
     * Up to {@code calls} generations as one task's loop, without a sandbox: the hooks build each request, may
     * set each one's sampling, go on after a reply ({@link AgentHooks.Action.Next}) or a failed call
     * ({@link AgentHooks#afterModelError}), and stop with the last.
     */
    public static AgentLoop generations(int calls, SamplingParams sampling) {
        return new AgentLoop(new AgentProtocol(reply -> Optional.empty(), result -> "", "user", calls, Duration.ZERO, null, 0, sampling));
    }

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
        RecordedChatModel recorded = new RecordedChatModel(model, taskId, trajectory);
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
            ChatCompletion completion;
            try {
                // recorded as every model call of a task is: model_request, then model_response or error
                completion = recorded.complete(new ChatRequest(hooks.request(messages), hooks.sampling(protocol.sampling())));
            } catch (ModelException e) {
                error = e.getMessage();
                Optional<StopReason> after = hooks.afterModelError(error);
                if (after.isPresent()) {
                    stop = after.get();
                    break;
                }
                continue;
            }
            turns = turn;
            usage = usage.plus(completion.usage());
            String reply = completion.text();
            messages.add(ChatMessage.assistant(reply));
            AgentHooks.Action action = hooks.read(reply);
            if (action instanceof AgentHooks.Action.Stop end) {
                stop = end.reason();
                break;
            }
            if (action instanceof AgentHooks.Action.Next) continue;
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
