package dev.evalbox.kernel.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.view.RowSummary;
import dev.evalbox.unittests.view.RunSummaryHtml;
import dev.evalbox.unittests.view.ViewData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static dev.evalbox.unittests.report.Html.escape;

/**
 * A run directory in the notebook: the cards and charts of the viewer's run page ({@link RunSummaryHtml}), its
 * metrics with their intervals, and the per-task results as a table (rows that name screenshots show them inline).
 * Works for every benchmark's runs.
 */
public record RunView(Path path, JsonNode run, JsonNode metrics, List<JsonNode> results) {
    private static final int MAX_ROWS = 200;
    private static final int MAX_SCREENSHOTS = 12;

    public static RunView load(Path path) {
        if (!Files.isRegularFile(path.resolve("results.jsonl")) && !Files.isRegularFile(path.resolve("run.json"))) {
            throw new IllegalArgumentException(path + " is not a run directory (no run.json or results.jsonl)");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode run = read(json, path.resolve("run.json"));
        JsonNode metrics = read(json, path.resolve("metrics.json"));
        if (metrics.size() == 0 && run.path("metrics").isObject()) {
            metrics = run.path("metrics"); // runs before metrics.json keep their metrics in run.json only
        }
        // The rows are parsed when shown; the summary comes from one streaming pass (fast on big runs).
        return new RunView(path, run, metrics,
                Files.isRegularFile(path.resolve("results.jsonl")) ? ResultRows.read(path.resolve("results.jsonl")) : List.of());
    }

    private static JsonNode read(ObjectMapper json, Path file) {
        try {
            return Files.isRegularFile(file) ? json.readTree(file.toFile()) : json.createObjectNode();
        } catch (IOException e) {
            return json.createObjectNode().put("unreadable", file + ": " + e.getMessage());
        }
    }

    /** Per category: [tasks, passed (or scored), score sum]. The category is the benchmark's own grouping field. */
    public Map<String, double[]> byCategory() {
        if (results instanceof ResultRows rows) {
            return rows.byCategory();
        }
        Map<String, double[]> groups = new TreeMap<>();
        for (JsonNode result : results) {
            String category = category(result).replaceAll("\\s+", " ");
            double[] group = groups.computeIfAbsent(category, c -> new double[3]);
            group[0]++;
            if (result.path("passed").asBoolean(false)) {
                group[1]++;
            }
            if (result.path("score").isNumber()) {
                group[1]++;
                group[2] += result.path("score").asDouble();
            }
        }
        return groups;
    }

    /** Each row's status, category, difficulty and score (streamed at load for a run read from disk). */
    private List<? extends RunSummaryHtml.Row> summaries() {
        if (results instanceof ResultRows rows) return rows.summaries();
        return results.stream().map(r -> new Parsed(RowSummary.status(r), RowSummary.category(r),
                r.path("difficulty").isValueNode() && !r.get("difficulty").isNull() ? RowSummary.clean(r.get("difficulty").asText()) : null,
                r.path("score").isNumber() ? r.get("score").asDouble() : null)).toList();
    }

    private record Parsed(String status, String category, String difficulty, Double score) implements RunSummaryHtml.Row { }

    private static String category(JsonNode result) {
        for (String field : List.of("category1", "category", "task_type")) {
            if (result.hasNonNull(field)) {
                return result.path(field).asText();
            }
        }
        if (result.hasNonNull("class")) {
            return result.path("class").asText().split("-", 2)[0];
        }
        return "all";
    }

    public MimeBundle bundle() {
        boolean scored = results instanceof ResultRows rows ? rows.scored() : results.stream().anyMatch(r -> r.has("score"));
        StringBuilder html = new StringBuilder("<div class=\"evalbox-run\"><h4>run ").append(escape(path.toString()))
                .append("</h4><p>").append(escape(run.path("benchmark").asText("?"))).append(", model ")
                .append(escape(java.util.Objects.requireNonNullElse(RunRecord.modelName(run), "?"))).append(", ").append(results.size()).append(" results</p>");
        StringBuilder text = new StringBuilder("run " + path + ": " + results.size() + " results\n");
        // the cards and charts of the viewer's run page, from the same renderer
        html.append(RunSummaryHtml.html(summaries(), ViewData.headline(metrics)));
        byCategory().forEach((category, group) -> {
            String rate = scored ? format(group[1] == 0 ? 0 : group[2] / group[1]) : format(100.0 * group[1] / group[0]) + "%";
            text.append(String.format("  %-20s %4d tasks  %4d %s  %s%n", category, (int) group[0], (int) group[1],
                    scored ? "scored" : "passed", rate));
        });
        if (metrics.size() > 0) {
            // The headline numbers (pass@k, PSR, mean score, ...) as a table; nested breakdowns as JSON.
            html.append("<table><tr><th>metric</th><th>value</th></tr>");
            metrics.fields().forEachRemaining(entry -> {
                if (entry.getKey().equals("uncertainty")) return; // its own table below
                JsonNode value = entry.getValue();
                String shown = value.isValueNode() ? value.asText() : value.toPrettyString();
                html.append("<tr><td>").append(escape(entry.getKey())).append("</td><td>")
                        .append(value.isValueNode() ? escape(shown) : "<pre>" + escape(shown) + "</pre>").append("</td></tr>");
                if (value.isValueNode()) {
                    text.append("  ").append(entry.getKey()).append(": ").append(shown).append('\n');
                }
            });
            html.append("</table>");
            html.append(dev.evalbox.unittests.report.UncertaintyTable.html(metrics));
            metrics.path("uncertainty").path("metrics").fields().forEachRemaining(entry -> {
                JsonNode e = entry.getValue();
                if (e.path("stderr").isNumber()) {
                    text.append(String.format(java.util.Locale.ROOT, "  %s: %.2f ± %.2f [%.2f, %.2f]%n", entry.getKey().substring(1),
                            e.path("value").asDouble(), e.path("stderr").asDouble(), e.path("ci_low").asDouble(), e.path("ci_high").asDouble()));
                }
            });
        }
        html.append("<table><tr><th>task</th><th>").append(scored ? "score" : "passed").append("</th><th>reason</th><th></th></tr>");
        int screenshots = 0;
        for (JsonNode result : results.subList(0, Math.min(MAX_ROWS, results.size()))) {
            html.append("<tr><td>").append(escape(result.path("task_id").asText()))
                    .append(result.has("sample") ? " #" + result.path("sample").asInt() : "").append("</td><td>")
                    .append(escape(scored ? result.path("score").asText("-") : result.path("passed").asText("-")))
                    .append("</td><td>").append(escape(abbreviate(result.path("reason").asText("")))).append("</td><td>");
            if (screenshots < MAX_SCREENSHOTS && result.path("screenshots").isArray() && result.path("screenshots").size() > 0) {
                Path shot = path.resolve(result.path("screenshots").get(0).asText());
                if (Files.isRegularFile(shot)) {
                    try {
                        html.append("<img width=\"320\" src=\"data:image/png;base64,")
                                .append(Base64.getEncoder().encodeToString(Files.readAllBytes(shot))).append("\"/>");
                        screenshots++;
                    } catch (IOException e) {
                        html.append(escape("screenshot unreadable: " + e.getMessage()));
                    }
                }
            }
            html.append("</td></tr>");
        }
        html.append("</table>");
        if (results.size() > MAX_ROWS) {
            html.append("<p>first ").append(MAX_ROWS).append(" of ").append(results.size()).append(" results shown</p>");
        }
        html.append("</div>");
        return MimeBundle.html(html.toString()).with("text/plain", text.toString());
    }

    private static String abbreviate(String text) {
        return text.length() > 160 ? text.substring(0, 157) + "..." : text;
    }

    private static String format(double value) {
        return String.format(java.util.Locale.ROOT, "%.1f", value);
    }
}
