package dev.evalbox.unittests.bench;

import java.util.Locale;

/** Number formatting for the report: about three significant digits, no needless zeros. */
public final class Format {
    private Format() { }

    public static String number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) return Long.toString((long) value);
        double abs = Math.abs(value);
        String pattern = abs >= 100 ? "%.0f" : abs >= 10 ? "%.1f" : abs >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, value);
    }

    /** Rounded for JSON: enough digits for sub-millisecond timings, no float noise. */
    public static double rounded(double value) {
        return Math.round(value * 10_000.0) / 10_000.0;
    }
}
