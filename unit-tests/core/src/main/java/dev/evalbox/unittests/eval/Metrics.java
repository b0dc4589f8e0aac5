package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A run's headline metrics: the values run.json and metrics.json record, and the lines the console
 * summary prints. {@code headline} names the value a leaderboard sorts by (a key of {@code values}).
 */
public record Metrics(ObjectNode values, String headline, List<String> summary) {
    public Metrics {
        summary = List.copyOf(summary);
    }
}
