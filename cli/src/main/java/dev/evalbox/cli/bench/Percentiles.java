package dev.evalbox.cli.bench;

import java.util.Arrays;
import java.util.List;

/** Summary of a set of timings (or sizes): nearest-rank percentiles, so every value reported was observed. */
public record Percentiles(int count, double min, double p50, double p95, double max, double mean) {

    public static Percentiles of(List<Double> values) {
        if (values.isEmpty()) throw new IllegalArgumentException("no samples");
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Percentiles(sorted.length, sorted[0], rank(sorted, 0.50), rank(sorted, 0.95),
                sorted[sorted.length - 1], Arrays.stream(sorted).average().orElseThrow());
    }

    private static double rank(double[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
