package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.TaskContext;
import dev.evalbox.unittests.eval.stats.EpochMetrics;
import dev.evalbox.unittests.eval.stats.Observations;
import dev.evalbox.unittests.report.Html;
import dev.evalbox.unittests.report.RunHeader;
import dev.evalbox.unittests.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report of an ArtifactsBench run: the mean judge score, tables and bars by category and by
 * difficulty, how rendering went, and per task its screenshots (links into the run's artifacts/),
 * the render outcome with what was blocked, the judge's reply and score, and the answer when the run
 * generated it. With epochs, per attempt: each epoch's row shows its own folder's page and screenshots.
 */
final class ArtifactsReport {
    private final Path runDir;

    ArtifactsReport(Path runDir) { this.runDir = runDir; }

    String render(JsonNode run) {
        List<JsonNode> rows = RunDirectory.readResults(runDir);
        // one row per attempt: with --epochs a task has a row per epoch, each with its own page, screenshots and answer
        Map<String, List<JsonNode>> byTask = new LinkedHashMap<>();
        ArtifactsGrading.latestByTask(rows).forEach(r -> byTask.computeIfAbsent(r.path("task_id").asText(), t -> new ArrayList<>()).add(r));
        byTask.values().forEach(attempts -> attempts.sort(Comparator.comparingInt(r -> r.path("epoch").asInt(1))));
        boolean epochs = EpochMetrics.epochs(rows) > 1;
        Map<Integer, Map<String, JsonNode>> answersByEpoch = new TreeMap<>();
        // the metrics as the run computes them: with epochs, each task's mean over its attempts, then over tasks
        Observations observations = new Observations();
        ObjectNode metrics = ArtifactsGrading.metrics(rows, observations);
        if (epochs) observations.writeTaskMeans(metrics);

        StringBuilder html = new StringBuilder(1 << 16);
        RunHeader.of(runDir, run).appendPageStart(html, runDir, shownSettings(run), RunReport.STYLE + STYLE,
                List.of("kind", "judge", "viewport", "finished", "evalbox_version"));
        html.append("<p class=\"score\" id=\"mean-score\">")
                .append(metrics.path("mean_score").isNull() ? "-" : String.format("%.1f", metrics.path("mean_score").asDouble()))
                .append(" mean judge score <span>(").append(metrics.path("scored").asInt()).append(" scored, ")
                .append(metrics.path("unscored").asInt()).append(" unscored, of ").append(metrics.path("answered").asInt())
                .append(epochs ? " answered attempts)" : " answered tasks)").append("</span></p>\n");
        if (metrics.path("no_answer").asInt() > 0) {
            html.append("<p class=\"meta\" id=\"no-answer\">").append(metrics.path("no_answer").asInt())
                    .append(" task(s) had no answer: left out of the metrics, as the reference only sees the answers file.</p>\n");
        }
        // the intervals as the run recorded them (run.json's metrics, written at the end of the run)
        html.append(dev.evalbox.unittests.report.UncertaintyTable.html(run.path("metrics")));
        breakdown(html, "By category", "by-category", metrics.path("by_category"));
        breakdown(html, "By difficulty", "by-difficulty", metrics.path("by_difficulty"));

        Map<String, Integer> outcomes = new TreeMap<>();
        byTask.values().forEach(attempts -> attempts.forEach(r -> outcomes.merge(r.path("render_outcome").asText("not rendered"), 1, Integer::sum)));
        html.append("<h2>Rendering</h2>\n<table class=\"outcomes\"><tr><th>outcome</th><th>tasks</th></tr>\n");
        outcomes.forEach((o, n) -> html.append("<tr><td>").append(Html.escape(o)).append("</td><td>").append(n).append("</td></tr>\n"));
        html.append("</table>\n<h2>Tasks</h2>\n<div id=\"tasks\">\n");
        for (List<JsonNode> attempts : RunReport.sortedByTask(byTask).values()) {
            for (JsonNode row : attempts) {
                int epoch = row.path("epoch").asInt(1);
                Map<String, JsonNode> answers = answersByEpoch.computeIfAbsent(epoch, e -> RunReport.jsonLines(answersFile(e), "index"));
                task(html, row, epoch, answers.get(row.path("task_id").asText()));
            }
        }
        html.append("</div>\n").append(RunReport.OPEN_HASH).append("</body></html>\n");
        return html.toString();
    }

    /** The settings the header line shows, from a run.json of any version (the judge an object and the viewport under config since schema 1). */
    private static ObjectNode shownSettings(JsonNode run) {
        JsonNode judge = run.path("judge").isObject() ? run.path("judge").path("name") : run.path("judge");
        JsonNode version = run.path("evalbox").isObject() ? run.path("evalbox").path("version") : run.path("evalbox_version");
        ObjectNode shown = RunDirectory.object();
        shown.put("kind", run.path("kind").asText(null)).put("judge", judge.asText(null))
                .put("viewport", RunRecord.setting(run, "viewport").asText(null)).put("finished", run.path("finished").asText(null))
                .put("evalbox_version", version.asText(null));
        return shown;
    }

    private static void breakdown(StringBuilder html, String title, String id, JsonNode groups) {
        html.append("<h2>").append(title).append("</h2>\n<table id=\"").append(id).append("\"><tr><th></th><th>tasks scored</th><th>mean score</th><th></th></tr>\n");
        groups.fields().forEachRemaining(e -> {
            double mean = e.getValue().path("mean_score").asDouble();
            html.append("<tr><td>").append(Html.escape(e.getKey().isEmpty() ? "(none)" : e.getKey())).append("</td><td>")
                    .append(e.getValue().path("tasks").asInt()).append("</td><td>").append(String.format("%.1f", mean))
                    .append("</td><td><svg width=\"200\" height=\"12\"><rect width=\"200\" height=\"12\" class=\"track\"/><rect width=\"")
                    .append(Math.round(2 * Math.max(0, Math.min(100, mean)))).append("\" height=\"12\" class=\"bar\"/></svg></td></tr>\n");
        });
        html.append("</table>\n");
    }

    /** The raw replies of an epoch, as generation writes them: answers.jsonl for the first, answers-epoch-N.jsonl after. */
    private Path answersFile(int epoch) {
        return runDir.resolve(epoch <= 1 ? "answers.jsonl" : "answers-epoch-" + epoch + ".jsonl");
    }

    /**
     * One attempt: its id is {@code task-ID} for epoch 1 (as before epochs, and as compare links) and
     * {@code task-ID-epoch-N} after, as the generic report names attempts.
     */
    private void task(StringBuilder html, JsonNode row, int epoch, JsonNode answer) {
        String task = row.path("task_id").asText();
        String shown = epoch > 1 ? task + " epoch " + epoch : task;
        boolean scored = !row.path("score").isNull() && !row.path("score").isMissingNode();
        html.append("<details class=\"task ").append(scored ? "pass" : "fail").append("\" id=\"task-").append(Html.escape(shown.replace(' ', '-')))
                .append("\" data-epoch=\"").append(epoch).append("\">")
                .append("<summary><span class=\"id\">").append(Html.escape(shown)).append("</span><span class=\"verdict\">")
                .append(scored ? Html.escape(row.path("score_text").asText(row.path("score").asText())) : "unscored").append("</span>")
                .append("<span class=\"turns\">").append(Html.escape(row.path("render_outcome").asText("-"))).append("</span>")
                .append("<span class=\"reason\">").append(Html.escape(row.path("category").asText())).append(" · ")
                .append(Html.escape(row.path("difficulty").asText())).append(scored ? "" : " · " + Html.escape(row.path("reason").asText()))
                .append("</span></summary>\n<div class=\"body\">\n");
        if (answer != null && answer.hasNonNull("question")) {
            html.append("<div class=\"msg user\"><div class=\"role\">question</div><pre class=\"text\">")
                    .append(Html.escape(answer.path("question").asText())).append("</pre></div>\n");
        }
        html.append("<p class=\"outcome\">page: <b>").append(Html.escape(row.path("page_type").asText("-"))).append("</b> · rendering: <b>")
                .append(Html.escape(row.path("render_outcome").asText("-"))).append("</b> ").append(Html.escape(row.path("render_error").asText("")));
        if (!row.path("render_note").asText("").isEmpty()) html.append(" · ").append(Html.escape(row.path("render_note").asText()));
        // the page this attempt rendered, in its epoch's own folder (where grading rendered it)
        Path page = TaskContext.artifactsOf(runDir, task, epoch).resolve("page.html");
        if (Files.isRegularFile(page)) {
            html.append(" · <a href=\"").append(Html.escape(runDir.relativize(page).toString().replace('\\', '/'))).append("\">the page</a>");
        }
        html.append("</p>\n");
        if (row.path("screenshots").size() > 0) {
            html.append("<div class=\"shots\">");
            for (JsonNode shot : row.path("screenshots")) {
                String rel = shot.asText().replace('\\', '/');
                html.append("<a href=\"").append(Html.escape(rel)).append("\"><img class=\"shot\" alt=\"").append(Html.escape(rel))
                        .append("\" src=\"").append(Html.escape(rel)).append("\"></a>");
            }
            html.append("</div>\n");
        }
        list(html, "requests blocked", row.path("blocked_requests"));
        list(html, "dialogs dismissed", row.path("dialogs"));
        list(html, "navigations stopped", row.path("navigations"));
        if (row.hasNonNull("judge_reply")) {
            html.append("<div class=\"msg assistant\"><div class=\"role\">judge · ").append(row.path("judge_attempts").asInt())
                    .append(" attempt(s) · score ").append(scored ? Html.escape(row.path("score_text").asText()) : "none")
                    .append("</div><pre class=\"text judge\">").append(Html.escape(row.path("judge_reply").asText())).append("</pre>");
            // the score was read from the reply after its thinking; the thinking is there to read, folded
            String full = row.path("judge_reply_full").asText("");
            if (!full.isEmpty() && !full.equals(row.path("judge_reply").asText())) {
                html.append("<details><summary>the judge's whole reply, with its thinking</summary><pre class=\"text\">")
                        .append(Html.escape(full)).append("</pre></details>");
            }
            html.append("</div>\n");
        }
        if (answer != null) {
            html.append("<details><summary>the model's answer</summary><pre class=\"text\">").append(Html.escape(answer.path("answer").asText()))
                    .append("</pre></details>\n");
        }
        html.append("</div></details>\n");
    }

    private static void list(StringBuilder html, String title, JsonNode items) {
        if (items.size() == 0) return;
        html.append("<p class=\"outcome\">").append(title).append(" (").append(items.size()).append("): ");
        for (int i = 0; i < items.size(); i++) html.append(i > 0 ? ", " : "").append("<code>").append(Html.escape(items.get(i).asText())).append("</code>");
        html.append("</p>\n");
    }

    private static final String STYLE = String.join("\n", "",
            "svg .track{fill:#eef0f3}svg .bar{fill:#3b82f6}.shots{display:flex;gap:8px;flex-wrap:wrap;margin:6px 0}",
            "img.shot{width:340px;border:1px solid #d0d5dd;display:block}code{font-size:12px;background:#f3f4f6;padding:0 3px}");
}
