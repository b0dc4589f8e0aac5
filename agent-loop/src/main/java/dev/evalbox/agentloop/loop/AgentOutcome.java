package dev.evalbox.agentloop.loop;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.Usage;
import java.util.List;

/** How a task's conversation went: every message, why it stopped, turns used, the final answer. */
public record AgentOutcome(List<ChatMessage> messages, StopReason stopReason, int turns, String finalAnswer, Usage usage,
                           String error) {
    public AgentOutcome {
        messages = List.copyOf(messages);
    }
}
