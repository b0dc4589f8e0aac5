package dev.evalbox.unittests.view;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.unittests.report.Html;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The top of a run's page, shared by the viewer's run page and the notebook's {@code run(PATH)}: the cards (rows by
 * status, the pass rate or mean score, the run's headline metrics) and the charts of the pass rate (or mean score) by
 * category and by difficulty. Computed from the run's latest rows ({@link RunIndex#latestRows()}); every name a run
 * brings (a category, a difficulty, a metric) is escaped. Its look comes with it, scoped to it.
 */
public final class RunSummaryHtml {
    private static final String STYLE = ".evalbox-summary .cards{display:flex;gap:12px;flex-wrap:wrap}"
            + ".evalbox-summary .card{background:#fff;border:1px solid #e3e6eb;border-radius:6px;padding:8px 14px;min-width:110px}"
            + ".evalbox-summary .card b{display:block;font-size:22px}.evalbox-summary .charts{display:flex;gap:28px;flex-wrap:wrap}"
            + ".evalbox-summary .bars{display:grid;grid-template-columns:minmax(120px,240px) 260px auto;gap:3px 10px;align-items:center;font-size:12.5px}"
            + ".evalbox-summary .bar{background:#eef0f3;height:14px;border-radius:3px;overflow:hidden}"
            + ".evalbox-summary .bar i{display:block;height:100%;background:#3b82f6}";

    private RunSummaryHtml() { }

    /** What the summary needs of a results.jsonl line (the viewer's {@link RowSummary}, or the notebook's streamed rows). */
    public interface Row {
        /** passed, failed, error, scored or unscored ({@link RowSummary#status(Boolean, boolean, boolean)}). */
        String status();

        String category();

        String difficulty();

        Double score();
    }

    /** {@code headline}: the run's headline metrics as the runs page has them (name: number, or {value, interval}). */
    public static String html(Collection<? extends Row> rows, JsonNode headline) {
        int passed = 0;
        int failed = 0;
        int error = 0;
        int unscored = 0;
        int scoredRows = 0;
        int withScore = 0;
        double scoreSum = 0;
        for (Row row : rows) {
            switch (row.status()) {
                case "passed" -> passed++;
                case "failed" -> failed++;
                case "error" -> error++;
                case "scored" -> scoredRows++;
                default -> unscored++;
            }
            if (row.score() != null) {
                scoreSum += row.score();
                withScore++;
            }
        }
        int graded = passed + failed + error;
        Double rate = graded > 0 ? 100.0 * passed / graded : null;
        Double mean = withScore > 0 ? scoreSum / withScore : null;
        boolean scored = mean != null && graded == 0;

        StringBuilder html = new StringBuilder(2048).append("<div class=\"evalbox-summary\"><style>").append(STYLE).append("</style>");
        html.append("<div class=\"cards\" id=\"metrics\">");
        card(html, "rows", Integer.toString(rows.size()));
        card(html, "passed", Integer.toString(passed));
        card(html, "failed", Integer.toString(failed));
        card(html, "error", Integer.toString(error));
        card(html, "unscored", Integer.toString(unscored));
        if (scoredRows > 0) card(html, "scored", Integer.toString(scoredRows));
        if (rate != null) card(html, "pass rate", fmt(rate) + "%");
        if (mean != null) card(html, "mean score", fmt(mean));
        headline.fields().forEachRemaining(metric -> {
            JsonNode value = metric.getValue();
            JsonNode shown = value.isObject() ? value.path("value") : value;
            card(html, metric.getKey(), shown.isNumber() ? fmt(shown.asDouble()) : shown.isMissingNode() || shown.isNull() ? "-" : shown.asText());
        });
        html.append("</div><div class=\"charts\">");
        chart(html, "By category", "by-category", rows, Row::category, scored, false);
        chart(html, "By difficulty", "by-difficulty", rows, Row::difficulty, scored, true);
        return html.append("</div></div>").toString();
    }

    private static void card(StringBuilder html, String name, String value) {
        html.append("<div class=\"card\" data-metric=\"").append(Html.escape(name)).append("\"><b>").append(Html.escape(value)).append("</b>")
                .append(Html.escape(name)).append("</div>");
    }

    /** Bars per group: its pass rate over its graded rows, or its mean score; a difficulty chart of a run without difficulties is left out. */
    private static void chart(StringBuilder html, String title, String id, Collection<? extends Row> rows, Function<Row, String> group,
                              boolean scored, boolean optional) {
        Map<String, double[]> groups = new TreeMap<>(); // n, passed, graded, score sum, scored
        for (Row row : rows) {
            String name = group.apply(row);
            double[] g = groups.computeIfAbsent(name == null || name.isEmpty() ? "(none)" : name, k -> new double[5]);
            g[0]++;
            if (row.status().equals("passed")) g[1]++;
            if (row.status().equals("passed") || row.status().equals("failed") || row.status().equals("error")) g[2]++;
            if (row.score() != null) {
                g[3] += row.score();
                g[4]++;
            }
        }
        if (optional && groups.size() < 2 && groups.containsKey("(none)")) return;
        double max = 100;
        for (double[] g : groups.values()) if (scored && g[4] > 0) max = Math.max(max, g[3] / g[4]);
        html.append("<div id=\"").append(id).append("\"><h2>").append(title).append(scored ? " (mean score)" : " (pass rate)")
                .append("</h2><div class=\"bars\">");
        List<String> names = new ArrayList<>(groups.keySet());
        for (String name : names) {
            double[] g = groups.get(name);
            double value = scored ? (g[4] > 0 ? g[3] / g[4] : 0) : (g[2] > 0 ? 100 * g[1] / g[2] : 0);
            html.append("<span>").append(Html.escape(name)).append("</span><div class=\"bar\"><i style=\"width:")
                    .append(String.format(Locale.ROOT, "%.1f", 100 * value / max)).append("%\"></i></div><span>")
                    .append(scored ? "mean " + fmt(value) : fmt(value) + "%").append(" of ").append((long) g[0]).append("</span>");
        }
        html.append("</div></div>");
    }

    /** A number as the viewer shows it: whole or 100 and more to one decimal at most, else two decimals. */
    static String fmt(double x) {
        if (Math.abs(x) >= 100 || x == Math.rint(x)) {
            double r = Math.round(x * 10) / 10.0;
            return r == Math.rint(r) ? Long.toString((long) r) : Double.toString(r);
        }
        return new BigDecimal(x).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }
}
