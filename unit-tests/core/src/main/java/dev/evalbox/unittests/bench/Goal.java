package dev.evalbox.unittests.bench;

/**
 * The target a measure is held to. {@code text} is what the report prints; {@code limit} and
 * {@code kind} decide whether a measured value (and, for anchor goals, the anchor) meets it.
 */
public record Goal(String text, Kind kind, double limit) {

    public enum Kind { BELOW, AT_LEAST, FASTER_THAN_ANCHOR, WITHIN_FACTOR_OF_ANCHOR }

    /** value < limit, e.g. "< 20 ms". */
    public static Goal below(double limit, String unit) {
        return new Goal("< " + Format.number(limit) + " " + unit, Kind.BELOW, limit);
    }

    /** value >= limit, e.g. ">= 3x". */
    public static Goal atLeast(double limit, String unit) {
        return new Goal(">= " + Format.number(limit) + unit, Kind.AT_LEAST, limit);
    }

    /** A time at least {@code factor} times shorter than the anchor's. */
    public static Goal fasterThanAnchor(double factor) {
        return new Goal(">= " + Format.number(factor) + "x faster than anchor", Kind.FASTER_THAN_ANCHOR, factor);
    }

    /** A time no more than {@code factor} times the anchor's, e.g. "<= 1.5x anchor". */
    public static Goal withinFactorOfAnchor(double factor) {
        return new Goal("<= " + Format.number(factor) + "x anchor", Kind.WITHIN_FACTOR_OF_ANCHOR, factor);
    }

    public boolean met(double value, Double anchor) {
        return switch (kind) {
            case BELOW -> value < limit;
            case AT_LEAST -> value >= limit;
            case FASTER_THAN_ANCHOR -> anchor != null && value > 0 && anchor / value >= limit;
            case WITHIN_FACTOR_OF_ANCHOR -> anchor != null && value <= limit * anchor;
        };
    }
}
