package dev.evalbox.unittests.eval.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a benchmark's headline numbers are means of: for each metric, named by its JSON Pointer into
 * metrics.json ({@code /pass_rate}, {@code /by_category/Data cleaning/pass_rate}), each task's values,
 * one per attempt, on the metric's own scale (a pass rate in percent records 100 or 0 per attempt). A
 * benchmark fills this in next to its numbers; {@link Uncertainty} turns it into standard errors and
 * intervals the same way for every benchmark.
 */
public final class Observations {

    /** One metric's values by task, and the range its intervals are clipped to. */
    public record Metric(String pointer, double low, double high, Map<String, List<Double>> byTask) { }

    private final Map<String, Metric> metrics = new LinkedHashMap<>();

    /** A JSON Pointer from path segments: {@code pointer("by_category", "a/b", "pass_rate")} is {@code /by_category/a~1b/pass_rate}. */
    public static String pointer(String... segments) {
        StringBuilder pointer = new StringBuilder();
        for (String segment : segments) pointer.append('/').append(segment.replace("~", "~0").replace("/", "~1"));
        return pointer.toString();
    }

    /** Declares a metric in [low, high] (so that a metric with no task yet is still reported, without spread). */
    public Observations metric(String pointer, double low, double high) {
        Metric existing = metrics.get(pointer);
        if (existing != null && (existing.low() != low || existing.high() != high)) {
            throw new IllegalArgumentException(pointer + " was declared with the range [" + existing.low() + ", " + existing.high() + "]");
        }
        if (existing == null) metrics.put(pointer, new Metric(pointer, low, high, new LinkedHashMap<>()));
        return this;
    }

    /** Adds one attempt's value of {@code task} to the metric (declared on first use). */
    public Observations add(String pointer, double low, double high, String task, double value) {
        metric(pointer, low, high);
        if (value < low || value > high) {
            throw new IllegalArgumentException(pointer + ": task " + task + "'s value " + value + " is outside [" + low + ", " + high + "]");
        }
        metrics.get(pointer).byTask().computeIfAbsent(task, t -> new ArrayList<>()).add(value);
        return this;
    }

    /** A pass rate in percent: 100 for a pass, 0 otherwise. */
    public Observations addPass(String pointer, String task, boolean passed) {
        return add(pointer, 0, 100, task, passed ? 100 : 0);
    }

    /**
     * Writes each metric's mean over tasks of each task's mean over its attempts into {@code values} at its
     * pointer (creating objects on the way): what a benchmark with epochs reports, so that a task with many
     * scored attempts weighs no more than one with few.
     */
    public void writeTaskMeans(ObjectNode values) {
        for (Metric metric : metrics.values()) {
            double mean = Estimate.of(metric.byTask(), metric.low(), metric.high(), Bootstrap.standard()).value();
            String[] path = metric.pointer().substring(1).split("/", -1);
            ObjectNode parent = values;
            for (int i = 0; i < path.length - 1; i++) {
                String name = unescape(path[i]);
                parent = parent.get(name) instanceof ObjectNode existing ? existing : parent.putObject(name);
            }
            String last = unescape(path[path.length - 1]);
            if (Double.isNaN(mean)) parent.putNull(last); else parent.put(last, mean);
        }
    }

    private static String unescape(String segment) { return segment.replace("~1", "/").replace("~0", "~"); }

    public List<Metric> metrics() { return Collections.unmodifiableList(new ArrayList<>(metrics.values())); }

    public boolean isEmpty() { return metrics.isEmpty(); }
}
