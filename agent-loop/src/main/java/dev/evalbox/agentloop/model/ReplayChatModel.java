package dev.evalbox.agentloop.model;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Answers with the assistant turns recorded for one task, in order; asked for more than were
 * recorded, it fails with NO_MORE_TURNS (recorded as a model error, so the task ends there).
 */
public final class ReplayChatModel implements ChatModel {
    private final String name;
    private final List<String> replies;
    private final AtomicInteger next = new AtomicInteger();

    public ReplayChatModel(String name, List<String> replies) {
        this.name = name;
        this.replies = List.copyOf(replies);
    }

    @Override
    public String name() { return name; }

    @Override
    public ChatCompletion complete(ChatRequest request) {
        int turn = next.getAndIncrement();
        if (turn >= replies.size()) {
            throw new ModelException(ModelException.Kind.NO_MORE_TURNS,
                    "the recorded trajectory has only " + replies.size() + " assistant turn(s)", 1);
        }
        return new ChatCompletion(List.of(replies.get(turn)), "stop", Usage.NONE, Duration.ZERO, 1);
    }
}
