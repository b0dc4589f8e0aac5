package dev.evalbox.agentloop.trajectory;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model whose every call is written to a task's trajectory as one turn: a {@code model_request} (the
 * turn, and how many messages were sent), then the {@code model_response} (or an {@code error}). The one
 * place a model call is recorded: the agent loop records each of its turns through it, and so does a
 * benchmark whose task is several single generations (HumanEval-V's samples), so every benchmark's run
 * has its conversations on file in the same events.
 */
public final class RecordedChatModel implements ChatModel {
    private final ChatModel model;
    private final String taskId;
    private final TrajectoryWriter trajectory;
    private final AtomicInteger calls;

    public RecordedChatModel(ChatModel model, String taskId, TrajectoryWriter trajectory) {
        this(model, taskId, trajectory, new AtomicInteger());
    }

    private RecordedChatModel(ChatModel model, String taskId, TrajectoryWriter trajectory, AtomicInteger calls) {
        this.model = model;
        this.taskId = taskId;
        this.trajectory = trajectory;
        this.calls = calls;
    }

    @Override
    public String name() { return model.name(); }

    /** The same record, its calls made as attempt {@code epoch} (see {@link ChatModel#forEpoch}); the turn count goes on. */
    @Override
    public ChatModel forEpoch(int epoch) {
        ChatModel bound = model.forEpoch(epoch);
        return bound == model ? this : new RecordedChatModel(bound, taskId, trajectory, calls);
    }

    /** How many calls were made so far: the turns of the task's record. */
    public int calls() { return calls.get(); }

    @Override
    public ChatCompletion complete(ChatRequest request) {
        int turn = calls.incrementAndGet();
        trajectory.write(new TrajectoryEvent.ModelRequest(taskId, Instant.now(), turn, request.messages().size()));
        try {
            ChatCompletion completion = model.complete(request);
            trajectory.write(new TrajectoryEvent.ModelResponse(taskId, Instant.now(), turn, completion.text(), completion.usage(),
                    completion.latency().toMillis(), completion.attempts(), completion.finishReason(), completion.cached()));
            return completion;
        } catch (ModelException e) {
            trajectory.write(new TrajectoryEvent.Error(taskId, Instant.now(), turn,
                    "model_" + e.kind().name().toLowerCase(Locale.ROOT), e.getMessage()));
            throw e;
        }
    }
}
