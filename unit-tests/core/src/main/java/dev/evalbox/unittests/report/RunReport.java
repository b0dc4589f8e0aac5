package dev.evalbox.unittests.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.trajectory.JsonLines;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.unittests.eval.TaskContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * report.html for a run directory: the run's settings, pass rate, a per-category table and bar
 * chart, and one row per task that opens its whole conversation (code highlighted, observations,
 * the figures the code displayed, the files it wrote) with the unit test's verdict and reason.
 * Self-contained except for links to the run's own artifacts/, so the folder can be shared as is.
 */
public final class RunReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CODE_BLOCK = Pattern.compile("```python(.*?)```", Pattern.DOTALL);
    private static final long MAX_INLINE_IMAGE = 2L << 20;

    private final Path runDir;

    public RunReport(Path runDir) { this.runDir = runDir; }

    /** Writes report.html into the run directory and returns its path. */
    public Path write() {
        try {
            Path report = runDir.resolve("report.html");
            Files.writeString(report, render(), StandardCharsets.UTF_8);
            return report;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report of " + runDir, e);
        }
    }

    String render() throws IOException {
        if (!Files.isRegularFile(runDir.resolve("results.jsonl"))) {
            throw new IllegalArgumentException(runDir + " is not a run directory: it has no results.jsonl");
        }
        JsonNode run = Files.isRegularFile(runDir.resolve("run.json")) ? JSON.readTree(runDir.resolve("run.json").toFile()) : JSON.createObjectNode();
        Optional<String> own = Benchmarks.named(run.path("benchmark").asText()).flatMap(b -> b.report(runDir, run));
        if (own.isPresent()) return own.get();
        Map<String, JsonNode> results = sortedByTask(resultRows(runDir.resolve("results.jsonl")));
        // HumanEval-V writes a row per sample: the rate is over samples then, and each sample is listed. Every
        // row of a run on the spine has a "sample" (0 when there is one), so it is the count of rows per task that tells.
        // With --epochs a task has a row per epoch (keyed "ID epoch N" from the second on): those are attempts, not samples.
        boolean perSample = results.values().stream().map(row -> row.path("task_id").asText() + "/" + row.path("epoch").asInt(1)).distinct().count()
                < results.size();
        boolean epochs = results.values().stream().anyMatch(row -> row.path("epoch").asInt(1) > 1);
        // by attempt ("ID", "ID epoch N"): with --epochs each row shows its own attempt's conversation, trace, figures and files
        Map<String, JsonNode> conversations = attemptLines(runDir.resolve("pybench_trajectory.jsonl"), "index");
        Map<String, JsonNode> traces = attemptLines(runDir.resolve("traces.jsonl"), "task_id");
        Map<String, Map<Integer, List<String>>> figures = figures(runDir.resolve("trajectories.jsonl"));

        Map<String, int[]> byCategory = new TreeMap<>();
        int passed = 0;
        for (JsonNode row : results.values()) {
            String category = row.hasNonNull("kind") ? row.get("kind").asText() : category(conversations.get(row.path("task_id").asText()));
            int[] count = byCategory.computeIfAbsent(category, c -> new int[2]);
            count[0]++;
            if (row.path("passed").asBoolean()) {
                count[1]++;
                passed++;
            }
        }
        StringBuilder html = new StringBuilder(1 << 16);
        RunHeader.of(runDir, run).appendPageStart(html, runDir, run, STYLE,
                List.of("kind", "backend", "image", "started", "finished", "evalbox_version"));
        double rate = results.isEmpty() ? 0 : 100.0 * passed / results.size();
        html.append("<p class=\"score\" id=\"pass-rate\">").append(String.format("%.1f%%", rate)).append(" passed <span>(")
                .append(passed).append(" of ").append(results.size()).append(perSample ? " samples)" : epochs ? " attempts)" : " tasks)").append("</span></p>\n");
        JsonNode metrics = run.path("metrics");
        if (metrics.isObject() && metrics.size() > 0) {
            html.append("<p class=\"metrics\" id=\"metrics\">");
            List<String> shown = new ArrayList<>();
            metrics.fields().forEachRemaining(m -> {
                JsonNode v = m.getValue();
                if (v.isValueNode()) shown.add(Html.escape(m.getKey()) + ": " + Html.escape(v.asText()));
                else if (v.has("total")) shown.add(Html.escape(m.getKey()) + ": " + (v.path("percent").isNumber()
                        ? String.format("%.1f%%", v.path("percent").asDouble()) : "-") + " (" + v.path("passed").asInt() + "/" + v.path("total").asInt() + ")");
            });
            html.append(String.join(" · ", shown)).append("</p>\n");
            html.append(UncertaintyTable.html(metrics));
        }

        html.append("<h2>By category</h2>\n<table class=\"categories\"><tr><th>category</th><th>tasks</th><th>passed</th><th>pass rate</th></tr>\n");
        byCategory.forEach((c, n) -> html.append("<tr><td>").append(Html.escape(c)).append("</td><td>").append(n[0]).append("</td><td>")
                .append(n[1]).append("</td><td>").append(String.format("%.1f%%", 100.0 * n[1] / n[0])).append("</td></tr>\n"));
        html.append("</table>\n").append(chart(byCategory));

        html.append("<h2>Tasks</h2>\n<div id=\"tasks\">\n");
        for (Map.Entry<String, JsonNode> entry : results.entrySet()) {
            JsonNode row = entry.getValue();
            String task = row.path("task_id").asText();
            String shownId = perSample ? entry.getKey() : attemptKey(task, row.path("epoch").asInt(1));
            boolean pass = row.path("passed").asBoolean();
            html.append("<details class=\"task ").append(pass ? "pass" : "fail").append("\" id=\"task-").append(Html.escape(shownId.replace(' ', '-'))).append("\">")
                    .append("<summary><span class=\"id\">").append(Html.escape(shownId)).append("</span>")
                    .append("<span class=\"verdict\">").append(pass ? "pass" : row.path("passed").isNull() ? "not graded" : "fail").append("</span>")
                    .append("<span class=\"turns\">").append(row.path("turns").asInt()).append(" turns</span>")
                    .append("<span class=\"reason\">").append(Html.escape(row.path("reason").asText())).append("</span></summary>\n");
            html.append("<div class=\"body\"><p class=\"outcome\">unit test: <b>").append(Html.escape(row.path("verdict").asText(pass ? "Pass" : "-")))
                    .append("</b> ").append(Html.escape(row.path("reason").asText())).append(" · stop: ")
                    .append(Html.escape(row.path("stop_reason").asText("-"))).append("</p>\n");
            int epoch = row.path("epoch").asInt(1);
            JsonNode conversation = conversations.get(attemptKey(task, epoch));
            if (conversation != null) conversation(html, conversation.path("messages"), figures.getOrDefault(attemptKey(task, epoch), Map.of()));
            JsonNode trace = traces.get(attemptKey(task, epoch));
            if (trace != null) {
                html.append("<div class=\"msg assistant\"><div class=\"role\">ReAct trace</div><pre class=\"text\">")
                        .append(Html.escape(trace.path("trace").asText())).append("</pre></div>\n");
                if (row.hasNonNull("judge_reply") && !row.get("judge_reply").asText().isEmpty()) {
                    html.append("<p class=\"outcome\">judge (").append(Html.escape(row.path("judge_rule").asText())).append("): ")
                            .append(Html.escape(row.get("judge_reply").asText())).append("</p>\n");
                }
            }
            artifacts(html, task, epoch);
            html.append("</div></details>\n");
        }
        html.append("</div>\n").append(OPEN_HASH).append("</body></html>\n");
        return html.toString();
    }

    // A link to report.html#task-N opens that task's details.
    // #task-ID opens the task, or its first sample (#task-ID-sample-N) where a task has several, as compare's links expect
    public static final String OPEN_HASH = "<script>function openHash(){var h=decodeURIComponent(location.hash.slice(1));"
            + "var d=h&&(document.getElementById(h)||document.querySelector('details[id^=\"'+CSS.escape(h)+'-sample-\"]'));"
            + "if(d&&d.tagName==='DETAILS'){d.open=true;d.scrollIntoView();}}window.addEventListener('hashchange',openHash);openHash();"
            + "</script>\n";

    /** Tasks in numeric order where their ids are numbers (PyBench's are), else by name. */
    public static <T> Map<String, T> sortedByTask(Map<String, T> rows) {
        Map<String, T> sorted = new java.util.TreeMap<>((a, b) -> {
            boolean na = a.matches("\\d+");
            boolean nb = b.matches("\\d+");
            if (na && nb) return Long.compare(Long.parseLong(a), Long.parseLong(b));
            if (na != nb) return na ? -1 : 1;
            return a.compareTo(b);
        });
        sorted.putAll(rows);
        return sorted;
    }

    private static String category(JsonNode conversation) {
        if (conversation == null) return "(unknown)";
        String label = conversation.path("category1").asText("").replaceAll("\\s+", " ").strip();
        return label.isEmpty() ? "(none)" : label;
    }

    private static void conversation(StringBuilder html, JsonNode messages, Map<Integer, List<String>> figures) {
        int turn = 0;
        for (JsonNode message : messages) {
            String role = message.path("role").asText();
            String content = message.path("content").asText();
            if ("assistant".equals(role)) turn++;
            html.append("<div class=\"msg ").append(Html.escape(role)).append("\"><div class=\"role\">").append(Html.escape(role))
                    .append("assistant".equals(role) ? " · turn " + turn : "").append("</div>");
            if ("assistant".equals(role)) {
                Matcher m = CODE_BLOCK.matcher(content);
                int last = 0;
                while (m.find()) {
                    html.append("<pre class=\"text\">").append(Html.escape(content.substring(last, m.start()))).append("</pre>");
                    html.append("<pre class=\"code\">").append(PythonHighlighter.toHtml(m.group(1).strip())).append("</pre>");
                    last = m.end();
                }
                html.append("<pre class=\"text\">").append(Html.escape(content.substring(last))).append("</pre>");
            } else if ("system".equals(role)) {
                html.append("<details><summary>system prompt</summary><pre class=\"text\">").append(Html.escape(content)).append("</pre></details>");
            } else {
                html.append("<pre class=\"text\">").append(Html.escape(content)).append("</pre>");
                if (turn > 0 && figures.containsKey(turn)) {
                    for (String png : figures.remove(turn)) html.append("<img class=\"figure\" alt=\"figure\" src=\"data:image/png;base64,").append(png).append("\">");
                }
            }
            html.append("</div>\n");
        }
    }

    /** The files of one attempt: artifacts/TASK/ for epoch 1 (without the later epochs' folders in it), artifacts/TASK/epoch-N/ after. */
    private void artifacts(StringBuilder html, String task, int epoch) throws IOException {
        Path dir = TaskContext.artifactsOf(runDir, task, epoch);
        if (!Files.isDirectory(dir)) return;
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).filter(f -> epoch > 1 || !inLaterEpoch(dir.relativize(f))).sorted().toList();
        }
        if (files.isEmpty()) return;
        html.append("<div class=\"artifacts\"><div class=\"role\">files written to output/</div>");
        for (Path file : files) {
            String rel = runDir.relativize(file).toString().replace('\\', '/');
            String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
            html.append("<div><a href=\"").append(Html.escape(rel)).append("\">").append(Html.escape(dir.relativize(file).toString()))
                    .append("</a> (").append(Files.size(file)).append(" bytes)</div>");
            if (name.matches(".*\\.(png|jpe?g|gif|webp|svg)$")) {
                html.append("<img class=\"figure\" alt=\"").append(Html.escape(name)).append("\" src=\"").append(Html.escape(rel)).append("\">");
            }
        }
        html.append("</div>\n");
    }

    private static String chart(Map<String, int[]> byCategory) {
        int rowHeight = 26;
        int height = rowHeight * byCategory.size() + 10;
        StringBuilder svg = new StringBuilder("<svg class=\"chart\" width=\"640\" height=\"" + height + "\" role=\"img\" aria-label=\"pass rate by category\">");
        int y = 5;
        for (Map.Entry<String, int[]> e : byCategory.entrySet()) {
            double rate = 100.0 * e.getValue()[1] / e.getValue()[0];
            svg.append("<text x=\"0\" y=\"").append(y + 17).append("\">").append(Html.escape(shorten(e.getKey()))).append("</text>")
                    .append("<rect x=\"260\" y=\"").append(y + 4).append("\" width=\"300\" height=\"16\" class=\"track\"/>")
                    .append("<rect x=\"260\" y=\"").append(y + 4).append("\" width=\"").append(Math.round(3 * rate)).append("\" height=\"16\" class=\"bar\"/>")
                    .append("<text x=\"570\" y=\"").append(y + 17).append("\">").append(String.format("%.1f%%", rate)).append("</text>");
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    private static String shorten(String s) { return s.length() > 30 ? s.substring(0, 30) + "…" : s; }

    /** A JSON Lines file by one field; a line cut short by a crash is left out: the report shows what is whole. */
    /** results.jsonl by task, or by task and sample ("q1 sample 2") where rows carry a sample number. */
    private static Map<String, JsonNode> resultRows(Path file) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        JsonLines.read(file, (number, node) -> {
            String key = attemptKey(node.path("task_id").asText(), node.path("epoch").asInt(1))
                    + (node.has("sample") ? " sample " + node.path("sample").asText() : "");
            byKey.put(key, node);
            return null;
        });
        return byKey;
    }

    /** A task's attempt as the report names it: the id for epoch 1 (as before epochs), "ID epoch N" after. */
    static String attemptKey(String task, int epoch) {
        return epoch > 1 ? task + " epoch " + epoch : task;
    }

    private static final Pattern LATER_EPOCH = Pattern.compile("epoch-\\d+");

    /** Whether a path under a task's folder is in a later epoch's folder (epoch-N/), not epoch 1's own. */
    private static boolean inLaterEpoch(Path relative) {
        return relative.getNameCount() > 1 && LATER_EPOCH.matcher(relative.getName(0).toString()).matches();
    }

    /** A JSON Lines file's lines (pybench_trajectory.jsonl, traces.jsonl) by attempt of the task in {@code key} (a line of epoch 2 or later says its epoch). */
    private static Map<String, JsonNode> attemptLines(Path file, String key) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return byKey;
        JsonLines.read(file, (number, node) -> {
            byKey.put(attemptKey(node.path(key).asText(), node.path("epoch").asInt(1)), node);
            return null;
        });
        return byKey;
    }

    public static Map<String, JsonNode> jsonLines(Path file, String key) {
        Map<String, JsonNode> byKey = new LinkedHashMap<>();
        if (!Files.isRegularFile(file)) return byKey;
        JsonLines.read(file, (number, node) -> {
            byKey.put(node.path(key).asText(), node);
            return null;
        });
        return byKey;
    }

    /** PNG displays of each task's code executions, by turn (PyBench drops them from observations; the report shows them). */
    private static Map<String, Map<Integer, List<String>>> figures(Path trajectories) throws IOException {
        Map<String, Map<Integer, List<String>>> figures = new LinkedHashMap<>();
        if (!Files.isRegularFile(trajectories)) return figures;
        for (String line : Files.readAllLines(trajectories, StandardCharsets.UTF_8)) {
            if (!line.contains("\"code_execution\"") || !line.contains("image/png")) continue;
            JsonNode event;
            try {
                event = JSON.readTree(line);
            } catch (IOException e) {
                continue;
            }
            String attempt = attemptKey(event.path("task_id").asText(), event.path("epoch").asInt(1));
            if (event.path("type").asText().equals("task_started")) figures.remove(attempt);
            for (JsonNode output : event.path("outputs")) {
                String png = output.path("data").path("image/png").asText("");
                if (!png.isEmpty() && png.length() < MAX_INLINE_IMAGE) {
                    figures.computeIfAbsent(attempt, t -> new TreeMap<>())
                            .computeIfAbsent(event.path("turn").asInt(), t -> new ArrayList<>()).add(png.replaceAll("\\s", ""));
                }
            }
        }
        return figures;
    }

    public static final String STYLE = String.join("\n",
            "body{font:14px/1.45 system-ui,'Noto Sans CJK SC',sans-serif;margin:24px auto;max-width:1100px;color:#1d2330;padding:0 16px}",
            "h1{font-size:22px;margin:0 0 4px}.meta{color:#5b6472;font-size:12px}.score{font-size:28px;font-weight:600;margin:12px 0}",
            ".score span{font-size:15px;color:#5b6472;font-weight:400}table{border-collapse:collapse;margin:8px 0}",
            "td,th{border-bottom:1px solid #e3e6eb;padding:4px 12px;text-align:left}.chart text{font-size:12px;fill:#1d2330}",
            ".chart .track{fill:#eef0f3}.chart .bar{fill:#3b82f6}details.task{border:1px solid #e3e6eb;border-radius:6px;margin:6px 0}",
            "details.task>summary{cursor:pointer;padding:6px 10px;display:flex;gap:14px;align-items:baseline}",
            "details.task.pass>summary .verdict{color:#15803d;font-weight:600}details.task.fail>summary .verdict{color:#b91c1c;font-weight:600}",
            ".id{font-weight:600;min-width:40px}.turns{color:#5b6472;min-width:60px}.reason{color:#5b6472;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:700px}",
            ".body{padding:4px 12px 12px}.msg{margin:8px 0;border-left:3px solid #d0d5dd;padding-left:10px}.msg.assistant{border-color:#3b82f6}",
            ".msg.user{border-color:#a3a3a3}.role{font-size:11px;text-transform:uppercase;color:#5b6472;letter-spacing:.04em}",
            "pre{white-space:pre-wrap;word-break:break-word;margin:4px 0;font:12.5px/1.4 ui-monospace,monospace}",
            "pre.code{background:#0f172a;color:#e2e8f0;padding:8px 10px;border-radius:4px}.k{color:#c792ea}.s{color:#c3e88d}",
            ".c{color:#7f8c98;font-style:italic}.n{color:#f78c6c}.b{color:#82aaff}img.figure{max-width:520px;display:block;margin:6px 0;border:1px solid #e3e6eb}",
            ".artifacts{margin-top:10px}");
}
