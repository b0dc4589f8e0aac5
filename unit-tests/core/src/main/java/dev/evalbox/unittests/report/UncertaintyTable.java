package dev.evalbox.unittests.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The table of a run's metrics with their uncertainty (metrics.json's {@code uncertainty}): value, stderr,
 * the 95% interval and the bootstrap's, and the tasks behind each. Shared by report.html, ArtifactsBench's
 * page and the notebook's run view, so that all show the same numbers the same way.
 */
public final class UncertaintyTable {
    private UncertaintyTable() { }

    /** The HTML table, or an empty string for a run whose metrics carry no uncertainty (older runs). */
    public static String html(JsonNode metrics) {
        JsonNode uncertainty = metrics.path("uncertainty");
        if (!uncertainty.path("metrics").isObject() || uncertainty.path("metrics").size() == 0) return "";
        StringBuilder html = new StringBuilder("<table class=\"uncertainty\" id=\"uncertainty\"><tr><th>metric</th><th>value</th><th>stderr</th>"
                + "<th>95% interval</th><th>bootstrap 95%</th><th>tasks</th></tr>\n");
        uncertainty.path("metrics").fields().forEachRemaining(entry -> {
            JsonNode e = entry.getValue();
            html.append("<tr><td>").append(Html.escape(name(entry.getKey()))).append("</td><td class=\"num\">").append(num(e, "value"))
                    .append("</td><td class=\"num\">").append(num(e, "stderr")).append("</td><td class=\"num\">")
                    .append(interval(e, "ci_low", "ci_high")).append("</td><td class=\"num\">").append(interval(e, "bootstrap_low", "bootstrap_high"))
                    .append("</td><td class=\"num\">").append(e.path("tasks").asInt())
                    .append(e.path("attempts").asInt() != e.path("tasks").asInt() ? " (" + e.path("attempts").asInt() + " attempts)" : "")
                    .append("</td></tr>\n");
        });
        JsonNode bootstrap = uncertainty.path("bootstrap");
        html.append("</table>\n<p class=\"note\">Over tasks, each task's attempts averaged first: stderr of the mean (n - 1), ")
                .append("interval mean ± 1.96 stderr clipped to the metric's range; percentile bootstrap over tasks, ")
                .append(bootstrap.path("resamples").asInt()).append(" resamples, seed ").append(bootstrap.path("seed").asLong()).append(".</p>\n");
        return html.toString();
    }

    /** A metric's JSON Pointer as a readable name: "by_category / Data cleaning / pass_rate". */
    static String name(String pointer) {
        String[] parts = pointer.substring(pointer.startsWith("/") ? 1 : 0).split("/", -1);
        StringBuilder name = new StringBuilder();
        for (String part : parts) {
            if (name.length() > 0) name.append(" / ");
            name.append(part.replace("~1", "/").replace("~0", "~"));
        }
        return name.toString();
    }

    private static String num(JsonNode e, String field) {
        return e.path(field).isNumber() ? String.format(Locale.ROOT, "%.2f", e.path(field).asDouble()) : "-";
    }

    private static String interval(JsonNode e, String low, String high) {
        return e.path(low).isNumber() ? "[" + num(e, low) + ", " + num(e, high) + "]" : "-";
    }
}
