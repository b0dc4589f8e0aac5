package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.eval.stats.Observations;
import java.util.List;

/**
 * A run's headline metrics: the values run.json and metrics.json record, and the lines the console
 * summary prints. {@code headline} names the value a leaderboard sorts by (a key of {@code values}).
 * {@code observations} are the per-task values the numbers are means of, from which the runner adds
 * every metric's standard error and intervals ({@link dev.evalbox.unittests.eval.stats.Uncertainty}).
 */
public record Metrics(ObjectNode values, String headline, List<String> summary, Observations observations) {
    public Metrics {
        summary = List.copyOf(summary);
        if (observations == null) observations = new Observations();
    }

    /** Metrics without per-task observations: no uncertainty is reported for them. */
    public Metrics(ObjectNode values, String headline, List<String> summary) {
        this(values, headline, summary, new Observations());
    }
}
