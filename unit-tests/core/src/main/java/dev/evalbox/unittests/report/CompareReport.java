package dev.evalbox.unittests.report;

import dev.evalbox.unittests.compare.ComparedRun;
import dev.evalbox.unittests.compare.Comparison;
import dev.evalbox.unittests.compare.PairComparison;
import dev.evalbox.unittests.compare.TaskAttempt;
import dev.evalbox.unittests.eval.stats.Estimate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * compare.html, one self-contained page (no scripts, no outside files) for {@code evalbox compare} and the
 * notebook's {@code compare(runA, runB)}: the leaderboards with each headline metric's interval drawn as a
 * bar, every pair's 2x2 table, difference, interval and p-value, the flipped tasks linked to each run's
 * report.html (with --epochs to each attempt's own entry), and the models x benchmarks table.
 */
public final class CompareReport {
    /** The page's own look (compare.html alone). */
    private static final String PAGE_STYLE = """
            body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d1d1f;max-width:1100px}
            h1{font-size:22px}h2{font-size:18px;margin-top:28px}h3{font-size:15px}
            table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
            th{background:#f4f4f6}
            """;
    /** The look of the fragment's own parts, scoped to it: wherever it is shown (the page, the notebook, the viewer). */
    private static final String PARTS_STYLE = ".evalbox-compare td.num{text-align:right;font-variant-numeric:tabular-nums}"
            + ".evalbox-compare .bar{position:relative;width:240px;height:14px;background:#f0f0f3;border-radius:3px}"
            + ".evalbox-compare .bar .ci{position:absolute;top:3px;height:8px;background:#9db8e8;border-radius:2px}"
            + ".evalbox-compare .bar .pt{position:absolute;top:0;width:2px;height:14px;background:#1d4fbf}"
            + ".evalbox-compare .flips li{margin:2px 0}.evalbox-compare .note{color:#666}";

    /**
     * Where the fragment's links go: each run's report.html ({@link #reports}: compare.html, the notebook), or
     * the pages of `evalbox view`. {@code attempt} is one attempt of a flipped task (with --epochs).
     */
    public interface Links {
        String run(ComparedRun run);

        String task(PairComparison pair, ComparedRun run, String task);

        String attempt(PairComparison pair, ComparedRun run, String task, TaskAttempt attempt);
    }

    /** Links to the runs' report.html files, relative to {@code from} (the folder the page is read from). */
    public static Links reports(Path from) {
        return new Links() {
            @Override
            public String run(ComparedRun run) { return link(from, run, null); }

            @Override
            public String task(PairComparison pair, ComparedRun run, String task) { return link(from, run, task); }

            @Override
            public String attempt(PairComparison pair, ComparedRun run, String task, TaskAttempt attempt) {
                return link(from, run, null) + "#" + attempt.reportAnchor(task);
            }
        };
    }

    private final Comparison comparison;

    public CompareReport(Comparison comparison) { this.comparison = comparison; }

    /** Writes the page to {@code file}; links to the runs' reports are relative to its folder. */
    public Path write(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(file, render(parent), StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The page, with links to the runs' report.html relative to {@code from} (the folder the page is read from). */
    public String render(Path from) {
        StringBuilder html = new StringBuilder(1 << 14);
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>evalbox compare</title><style>")
                .append(PAGE_STYLE).append("</style></head><body>\n<h1>evalbox compare</h1>\n");
        html.append(fragment(from));
        html.append("</body></html>\n");
        return html.toString();
    }

    /** The page's content without the document around it (what the notebook shows), linking to the runs' reports. */
    public String fragment(Path from) { return fragment(reports(from)); }

    /** The page's content without the document around it, with its links made by {@code links} (the viewer's pages). */
    public String fragment(Links links) {
        StringBuilder html = new StringBuilder(1 << 14);
        html.append("<div class=\"evalbox-compare\"><style>").append(PARTS_STYLE).append("</style>\n<p class=\"note\">").append(comparison.runs().size()).append(" runs; intervals are 95%: ")
                .append("mean ± 1.96 stderr over tasks; paired differences over the tasks both runs have; bootstrap ")
                .append(comparison.bootstrap().resamples()).append(" resamples, seed ").append(comparison.bootstrap().seed()).append(".</p>\n");
        comparison.leaderboards().forEach((benchmark, runs) -> {
            html.append("<h2>").append(Html.escape(benchmark)).append(": leaderboard</h2>\n<table class=\"leaderboard\" id=\"leaderboard-")
                    .append(Html.escape(benchmark)).append("\"><tr><th>#</th><th>run</th><th>").append(Html.escape(runs.get(0).headline()))
                    .append("</th><th>stderr</th><th>95% interval</th><th></th><th>tasks</th></tr>\n");
            double max = runs.stream().mapToDouble(r -> finite(r.estimate().ciHigh(), r.estimate().value())).max().orElse(1);
            double scale = runs.get(0).passFail() ? 100 : Math.max(max, 1e-9);
            int rank = 1;
            for (ComparedRun run : runs) {
                Estimate e = run.estimate();
                html.append("<tr><td class=\"num\">").append(rank++).append("</td><td><a href=\"").append(Html.escape(links.run(run)))
                        .append("\">").append(Html.escape(run.label())).append("</a></td><td class=\"num value\">").append(num(e.value()))
                        .append("</td><td class=\"num\">").append(num(e.stderr())).append("</td><td class=\"num\">[").append(num(e.ciLow()))
                        .append(", ").append(num(e.ciHigh())).append("]</td><td>").append(bar(e, scale)).append("</td><td class=\"num\">")
                        .append(e.tasks()).append("</td></tr>\n");
            }
            html.append("</table>\n");
        });
        int index = 1;
        for (PairComparison pair : comparison.pairs()) pair(html, pair, index++, links);
        if (comparison.leaderboards().size() > 1) {
            html.append("<h2>Models x benchmarks</h2>\n<table id=\"matrix\"><tr><th>model</th>");
            comparison.leaderboards().keySet().forEach(b -> html.append("<th>").append(Html.escape(b)).append("</th>"));
            html.append("</tr>\n");
            for (String model : comparison.models()) {
                html.append("<tr><td>").append(Html.escape(model)).append("</td>");
                comparison.leaderboards().keySet().forEach(b -> {
                    ComparedRun run = comparison.cell(model, b);
                    html.append("<td class=\"num\">").append(run == null ? "-" : Html.escape(run.headline() + " " + run.estimate().brief()))
                            .append("</td>");
                });
                html.append("</tr>\n");
            }
            html.append("</table>\n");
        }
        return html.append("</div>\n").toString();
    }

    private static void pair(StringBuilder html, PairComparison pair, int index, Links links) {
        html.append("<section class=\"pair\" id=\"pair-").append(index).append("\"><h2>")
                .append(Html.escape(pair.a().label())).append(" (A) vs ").append(Html.escape(pair.b().label())).append(" (B)</h2>\n<p>")
                .append(Html.escape(pair.a().benchmark())).append(", <b class=\"paired\">").append(pair.paired().size())
                .append("</b> tasks in both runs.");
        if (!pair.onlyInA().isEmpty()) html.append(" Only in A, left out: ").append(Html.escape(String.join(", ", pair.onlyInA()))).append('.');
        if (!pair.onlyInB().isEmpty()) html.append(" Only in B, left out: ").append(Html.escape(String.join(", ", pair.onlyInB()))).append('.');
        html.append("</p>\n");
        if (pair.table() != null) {
            var t = pair.table();
            html.append("<table class=\"two-by-two\"><tr><th></th><th>B passes</th><th>B fails</th></tr>\n<tr><th>A passes</th><td class=\"num both\">")
                    .append(t.both()).append("</td><td class=\"num a-only\">").append(t.aOnly()).append("</td></tr>\n<tr><th>A fails</th><td class=\"num b-only\">")
                    .append(t.bOnly()).append("</td><td class=\"num neither\">").append(t.neither()).append("</td></tr></table>\n");
            html.append("<p>Pass rate A - B: <b class=\"difference\">").append(String.format(Locale.ROOT, "%+.1f", pair.difference()))
                    .append("</b> points, 95% interval <span class=\"ci\">[").append(String.format(Locale.ROOT, "%+.1f, %+.1f", pair.ciLow(), pair.ciHigh()))
                    .append("]</span>; McNemar's exact test p = <b class=\"p-value\">").append(Comparison.p(pair.pValue())).append("</b>.</p>\n");
            html.append("<h3>Flipped tasks (").append(pair.flipped().size()).append(")</h3>\n<ul class=\"flips\">");
            for (String task : pair.flipped()) {
                boolean aPassed = pair.a().taskValues().get(task) >= 50;
                html.append("<li><span class=\"task\">").append(Html.escape(task)).append("</span>: ")
                        .append(aPassed ? "A passes, B fails" : "B passes, A fails");
                attempts(html, links, pair, pair.a(), task, "A", aPassed);
                attempts(html, links, pair, pair.b(), task, "B", !aPassed);
                html.append("</li>");
            }
            html.append("</ul>\n");
        } else {
            var sign = pair.sign();
            html.append("<p>Mean score A - B: <b class=\"difference\">").append(String.format(Locale.ROOT, "%+.2f", pair.difference()))
                    .append("</b>, paired bootstrap 95% interval <span class=\"ci\">[").append(num2(pair.ciLow())).append(", ").append(num2(pair.ciHigh()))
                    .append("]</span>; sign test p = <b class=\"p-value\">").append(Comparison.p(pair.pValue())).append("</b> (")
                    .append(sign.positive()).append(" tasks higher in A, ").append(sign.negative()).append(" in B, ").append(sign.ties())
                    .append(" ties).</p>\n");
        }
        html.append("</section>\n");
    }

    /**
     * The links of a flipped task into one run's report. With one attempt, "A's trajectory" as before epochs;
     * with several (--epochs), a link per attempt to its own entry ("ID epoch N"), with its verdict, the
     * attempts that side the run's verdict of the task (those that make it flip) marked {@code flip}.
     */
    private static void attempts(StringBuilder html, Links links, PairComparison pair, ComparedRun run, String task, String side, boolean runPasses) {
        List<TaskAttempt> attempts = run.attemptsOf(task);
        boolean epochs = attempts.stream().anyMatch(a -> a.epoch() > 1);
        if (!epochs) {
            html.append(" · <a class=\"trajectory ").append(side.toLowerCase(Locale.ROOT)).append("\" href=\"")
                    .append(Html.escape(links.task(pair, run, task))).append("\">").append(side).append("'s trajectory</a>");
            return;
        }
        html.append(" · <span class=\"attempts ").append(side.toLowerCase(Locale.ROOT)).append("\">").append(side).append(":");
        for (TaskAttempt attempt : attempts) {
            if (attempt.sample() > 0) continue; // HumanEval-V's samples share the epoch's entry
            html.append(" <a class=\"attempt ").append(attempt.passed() ? "pass" : "fail").append(attempt.passed() == runPasses ? " flip" : "")
                    .append("\" data-epoch=\"").append(attempt.epoch()).append("\" href=\"").append(Html.escape(links.attempt(pair, run, task, attempt)))
                    .append("\">epoch ").append(attempt.epoch()).append(attempt.passed() ? " ✓" : " ✗").append("</a>");
        }
        html.append("</span>");
    }

    /** The run's report.html (at a task's entry when {@code task} is given), relative to {@code from}. */
    static String link(Path from, ComparedRun run, String task) {
        Path report = run.path().toAbsolutePath().normalize().resolve("report.html");
        String href;
        try {
            href = from.toAbsolutePath().normalize().relativize(report).toString().replace('\\', '/');
        } catch (IllegalArgumentException otherRoot) {
            href = report.toUri().toString();
        }
        return task == null ? href : href + "#task-" + task.replace(' ', '-');
    }

    private static String bar(Estimate e, double scale) {
        if (Double.isNaN(e.value())) return "";
        double lo = Double.isNaN(e.ciLow()) ? e.value() : e.ciLow();
        double hi = Double.isNaN(e.ciHigh()) ? e.value() : e.ciHigh();
        return String.format(Locale.ROOT, "<div class=\"bar\"><div class=\"ci\" style=\"left:%.1f%%;width:%.1f%%\"></div>"
                + "<div class=\"pt\" style=\"left:%.1f%%\"></div></div>", pct(lo, scale), Math.max(0.5, pct(hi, scale) - pct(lo, scale)), pct(e.value(), scale));
    }

    private static double pct(double x, double scale) { return Math.max(0, Math.min(100, 100 * x / scale)); }

    private static double finite(double x, double otherwise) { return Double.isFinite(x) ? x : otherwise; }

    private static String num(double x) { return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.1f", x); }

    private static String num2(double x) { return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%+.2f", x); }
}
