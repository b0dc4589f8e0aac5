package dev.evalbox.agentloop.loop;

import dev.evalbox.agentloop.model.SamplingParams;
import java.time.Duration;

/**
 * How a benchmark runs its conversation: where code is in a reply, how results become the next
 * message (and its role), the turn limit, the per-cell time limit, budgets and sampling.
 * {@code wallClock} null and {@code tokenBudget} 0 mean no budget.
 */
public record AgentProtocol(
        CodeExtractor extractor,
        ObservationFormatter formatter,
        String observationRole,
        int maxTurns,
        Duration cellTimeout,
        Duration wallClock,
        long tokenBudget,
        SamplingParams sampling) {

    public AgentProtocol {
        if (maxTurns < 1) throw new IllegalArgumentException("maxTurns must be at least 1");
    }

    public AgentProtocol withSampling(SamplingParams params) {
        return new AgentProtocol(extractor, formatter, observationRole, maxTurns, cellTimeout, wallClock, tokenBudget, params);
    }

    public AgentProtocol withBudgets(Duration wallClockBudget, long tokens) {
        return new AgentProtocol(extractor, formatter, observationRole, maxTurns, cellTimeout, wallClockBudget, tokens, sampling);
    }

    public AgentProtocol withCellTimeout(Duration timeout) {
        return new AgentProtocol(extractor, formatter, observationRole, maxTurns, timeout, wallClock, tokenBudget, sampling);
    }
}
