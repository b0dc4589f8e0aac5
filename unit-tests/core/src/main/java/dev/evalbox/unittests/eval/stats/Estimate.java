package dev.evalbox.unittests.eval.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A mean over tasks with its uncertainty, as {@link #of} defines it: each task's value is the mean of its
 * attempts (clustered by task), {@code value} the mean of those, {@code stderr} the standard error of the
 * mean with n - 1 in the variance, the normal interval {@code value ± 1.96 stderr} clipped to the metric's
 * range, and the percentile bootstrap interval over tasks. With one task the stderr and intervals are NaN
 * (written as null): one task says nothing about the spread.
 *
 * @param tasks    the tasks the mean is over
 * @param attempts the attempts behind them (tasks x epochs when every task has every epoch)
 */
public record Estimate(double value, double stderr, double ciLow, double ciHigh, double bootstrapLow, double bootstrapHigh,
                       int tasks, int attempts) {
    public static final double Z95 = 1.96;

    /** The estimate from each task's attempts' values, in the metric's range [low, high]. */
    public static Estimate of(Map<String, List<Double>> byTask, double low, double high, Bootstrap bootstrap) {
        List<Double> means = new ArrayList<>();
        int attempts = 0;
        for (List<Double> values : byTask.values()) {
            if (values.isEmpty()) continue;
            double sum = 0;
            for (double v : values) sum += v;
            means.add(sum / values.size());
            attempts += values.size();
        }
        double[] perTask = means.stream().mapToDouble(Double::doubleValue).toArray();
        return ofTaskMeans(perTask, low, high, bootstrap, attempts);
    }

    /** The estimate from per-task values already reduced to one per task. */
    public static Estimate ofTaskMeans(double[] perTask, double low, double high, Bootstrap bootstrap, int attempts) {
        int n = perTask.length;
        if (n == 0) return new Estimate(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0, attempts);
        double mean = 0;
        for (double v : perTask) mean += v;
        mean /= n;
        double stderr = Double.NaN;
        if (n > 1) {
            double squares = 0;
            for (double v : perTask) squares += (v - mean) * (v - mean);
            stderr = Math.sqrt(squares / (n - 1)) / Math.sqrt(n);
        }
        double[] boot = n > 1 ? bootstrap.interval(perTask) : new double[] {Double.NaN, Double.NaN};
        return new Estimate(mean, stderr, clip(mean - Z95 * stderr, low, high), clip(mean + Z95 * stderr, low, high),
                boot[0], boot[1], n, attempts);
    }

    private static double clip(double x, double low, double high) {
        return Double.isNaN(x) ? x : Math.max(low, Math.min(high, x));
    }

    /** metrics.json's form: value, stderr, ci_low, ci_high, bootstrap_low, bootstrap_high, tasks, attempts (null for NaN). */
    public ObjectNode json() {
        ObjectNode node = RunDirectory.object();
        put(node, "value", value);
        put(node, "stderr", stderr);
        put(node, "ci_low", ciLow);
        put(node, "ci_high", ciHigh);
        put(node, "bootstrap_low", bootstrapLow);
        put(node, "bootstrap_high", bootstrapHigh);
        return node.put("tasks", tasks).put("attempts", attempts);
    }

    private static void put(ObjectNode node, String name, double value) {
        if (Double.isNaN(value)) node.putNull(name);
        else node.put(name, value);
    }

    /** "52.4 ± 4.2 [44.2, 60.6]" (± is the stderr, the brackets the 95% interval), or the value alone when there is no spread. */
    public String brief() {
        if (Double.isNaN(value)) return "-";
        if (Double.isNaN(stderr)) return String.format(Locale.ROOT, "%.1f", value);
        return String.format(Locale.ROOT, "%.1f ± %.1f [%.1f, %.1f]", value, stderr, ciLow, ciHigh);
    }
}
