package dev.evalbox.agentloop.model;

import java.time.Duration;
import java.util.List;

/** A model's answer: one text per choice (n), what it cost, how long it took and after how many attempts. */
public record ChatCompletion(List<String> choices, String finishReason, Usage usage, Duration latency, int attempts) {
    public ChatCompletion {
        choices = List.copyOf(choices);
        if (choices.isEmpty()) throw new IllegalArgumentException("a completion has at least one choice");
    }

    public String text() { return choices.get(0); }
}
