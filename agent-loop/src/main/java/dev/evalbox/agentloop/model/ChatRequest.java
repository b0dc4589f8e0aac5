package dev.evalbox.agentloop.model;

import java.util.List;

/** A conversation to continue, with its sampling settings. */
public record ChatRequest(List<ChatMessage> messages, SamplingParams params) {
    public ChatRequest {
        messages = List.copyOf(messages);
        params = params == null ? SamplingParams.DEFAULT : params;
    }
}
