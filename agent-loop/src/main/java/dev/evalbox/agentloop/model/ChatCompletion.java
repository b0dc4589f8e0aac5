package dev.evalbox.agentloop.model;

import java.time.Duration;
import java.util.List;

/**
 * A model's answer: one text per choice (n), what it cost, how long it took and after how many attempts;
 * {@code cached} when it came from the model-call cache rather than the server (its usage is then what the
 * original call cost, not a new cost).
 */
public record ChatCompletion(List<String> choices, String finishReason, Usage usage, Duration latency, int attempts, boolean cached) {
    public ChatCompletion {
        choices = List.copyOf(choices);
        if (choices.isEmpty()) throw new IllegalArgumentException("a completion has at least one choice");
    }

    /** An answer from the server itself. */
    public ChatCompletion(List<String> choices, String finishReason, Usage usage, Duration latency, int attempts) {
        this(choices, finishReason, usage, latency, attempts, false);
    }

    public String text() { return choices.get(0); }
}
