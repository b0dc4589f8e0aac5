package dev.evalbox.unittests.eval.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.eval.Metrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Adds to any benchmark's metrics the uncertainty of every number it has observations for, one way for
 * all: metrics.json gains {@code uncertainty}, with the bootstrap's resamples and seed and, per metric
 * (by its JSON Pointer), an {@link Estimate}; the console summary gains a line per metric.
 */
public final class Uncertainty {
    private Uncertainty() { }

    public static Metrics attach(Metrics metrics, Bootstrap bootstrap) {
        if (metrics.observations().isEmpty()) return metrics;
        ObjectNode values = metrics.values().deepCopy();
        ObjectNode uncertainty = values.putObject("uncertainty");
        uncertainty.put("method", "over tasks (each task's attempts averaged first): stderr of the mean with n - 1, "
                + "95% interval mean ± 1.96 stderr clipped to the metric's range, and a percentile bootstrap over tasks");
        uncertainty.putObject("bootstrap").put("resamples", bootstrap.resamples()).put("seed", bootstrap.seed());
        ObjectNode byMetric = uncertainty.putObject("metrics");
        List<String> lines = new ArrayList<>(metrics.summary());
        lines.add(String.format(Locale.ROOT, "uncertainty (value ± stderr [95%% interval], bootstrap 95%%; %d resamples, seed %d):",
                bootstrap.resamples(), bootstrap.seed()));
        for (Observations.Metric metric : metrics.observations().metrics()) {
            Estimate estimate = Estimate.of(metric.byTask(), metric.low(), metric.high(), bootstrap);
            byMetric.set(metric.pointer(), estimate.json());
            lines.add(String.format(Locale.ROOT, "  %-44s %-26s %s  (%d tasks%s)", metric.pointer().substring(1),
                    estimate.brief(), Double.isNaN(estimate.bootstrapLow()) ? ""
                            : String.format(Locale.ROOT, "bootstrap [%.1f, %.1f]", estimate.bootstrapLow(), estimate.bootstrapHigh()),
                    estimate.tasks(), estimate.attempts() != estimate.tasks() ? ", " + estimate.attempts() + " attempts" : ""));
        }
        return new Metrics(values, metrics.headline(), lines, metrics.observations());
    }
}
