package dev.evalbox.unittests.bench;

/**
 * One row of the benchmark report. {@code key} is stable for machines (JSON consumers, tests);
 * {@code name} is for people. {@code anchor} is the same quantity measured on the reference
 * implementation in the same run, null when there is none; {@code goal} is null for rows that
 * are reported without a target.
 */
public record Measure(String key, String name, double value, String unit, Double anchor, Goal goal) {

    public static Measure of(String key, String name, double value, String unit, Goal goal) {
        return new Measure(key, name, value, unit, null, goal);
    }

    /** Whether the goal was met; null when the measure has no goal. */
    public Boolean met() {
        return goal == null ? null : goal.met(value, anchor);
    }
}
