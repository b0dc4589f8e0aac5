package dev.evalbox.unittests.view;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.unittests.report.Html;
import dev.evalbox.unittests.report.PythonHighlighter;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One task's whole attempt as HTML, shared by the viewer's task page and the notebook: the grader's
 * verdict with its reason and fields, every model turn (tokens, latency) with its code highlighted,
 * every cell's outputs (streams, results, images, tracebacks), observations, judge calls, the final
 * answer, screenshots at full size, the model's page, the files the task wrote and its timings.
 *
 * <p>Everything a model or its code wrote is escaped text; a page it wrote is shown only inside an
 * {@code <iframe sandbox>} without allow-same-origin, so it cannot reach the page around it.
 * {@code link} turns a run-relative path into a URL (the viewer's files/ route, a bundle's copy).
 */
public record TaskTranscript(String taskId, List<JsonNode> rows, List<JsonNode> events, List<TaskFile> files,
                             Function<String, String> link, String sandboxCommand) {
    private static final Pattern FENCE = Pattern.compile("```([A-Za-z0-9_+-]*)[ \\t]*\\n?(.*?)```", Pattern.DOTALL);
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final Pattern EPOCH_FOLDER = Pattern.compile("^artifacts/[^/]+/epoch-(\\d+)/");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\s]+");
    // fields shown elsewhere on the page, or the row's bookkeeping
    private static final Set<String> NOT_IN_TABLE = Set.of("task_id", "epoch", "sample", "passed", "score", "reason", "screenshots",
            "messages", "notes");

    public String html() {
        StringBuilder html = new StringBuilder(1 << 14);
        html.append("<div class=\"evalbox-task\">");
        verdicts(html);
        if (sandboxCommand != null) {
            html.append("<div class=\"sandbox-link\"><span>re-create this task's sandbox in a notebook:</span> <code class=\"copy\" id=\"sandbox-command\">")
                    .append(Html.escape(sandboxCommand)).append("</code></div>");
        }
        transcript(html);
        pages(html);
        fileList(html);
        timings(html);
        return html.append("</div>").toString();
    }

    /**
     * The conversation alone (no verdict, files or timings): what the notebook shows of a recorded trajectory,
     * which need not belong to a scored run.
     */
    public String transcriptHtml() {
        StringBuilder html = new StringBuilder(1 << 12);
        html.append("<div class=\"evalbox-task\">");
        transcript(html);
        return html.append("</div>").toString();
    }

    /** A cell's outputs (output JSON, as trajectories.jsonl holds them) as the transcript shows them. */
    public static String outputsHtml(JsonNode outputs) {
        StringBuilder html = new StringBuilder();
        outputs(html, outputs);
        return html.toString();
    }

    private void verdicts(StringBuilder html) {
        html.append("<section class=\"verdicts\"><h3>Verdict</h3>");
        if (rows.isEmpty()) html.append("<p class=\"muted\">no result yet: the task is in flight or was never scored</p>");
        boolean epochs = rows.stream().anyMatch(r -> r.path("epoch").asInt(1) > 1);
        for (JsonNode row : rows) {
            String status = RowSummary.status(row);
            html.append("<div class=\"verdict\"><span class=\"badge ").append(status).append("\">").append(status).append("</span>");
            // with --epochs a task has a row per attempt: each says its epoch (and its sample where HumanEval-V has several)
            if (epochs) html.append(" <span class=\"muted epoch\">epoch ").append(row.path("epoch").asInt(1)).append("</span>");
            if ((rows.size() > 1 && !epochs) || row.path("sample").asInt(0) > 0) html.append(" <span class=\"muted\">sample ").append(row.path("sample").asInt()).append("</span>");
            if (row.path("score").isNumber()) html.append(" <b class=\"score\">score ").append(Html.escape(row.get("score").asText())).append("</b>");
            String reason = row.path("reason").asText("");
            if (!reason.isBlank()) html.append("<pre class=\"reason\">").append(Html.escape(ANSI.matcher(reason).replaceAll(""))).append("</pre>");
            html.append("<table class=\"fields\">");
            row.fields().forEachRemaining(field -> {
                if (NOT_IN_TABLE.contains(field.getKey()) || field.getValue().isNull()) return;
                JsonNode value = field.getValue();
                String text = value.isValueNode() ? value.asText() : value.toPrettyString();
                if (text.isEmpty() || "[ ]".equals(text) || "{ }".equals(text)) return;
                html.append("<tr><th>").append(Html.escape(field.getKey())).append("</th><td>");
                if (text.length() > 80 || text.contains("\n")) html.append("<pre>").append(Html.escape(text)).append("</pre>");
                else html.append(Html.escape(text));
                html.append("</td></tr>");
            });
            html.append("</table>");
            for (JsonNode shot : row.path("screenshots")) {
                if (shot.isTextual()) {
                    html.append("<figure class=\"screenshot\"><img alt=\"screenshot\" src=\"").append(Html.escape(link.apply(shot.asText())))
                            .append("\"><figcaption>").append(Html.escape(shot.asText())).append("</figcaption></figure>");
                }
            }
            html.append("</div>");
        }
        html.append("</section>");
    }

    private void transcript(StringBuilder html) {
        html.append("<section class=\"transcript\"><h3>Transcript</h3>");
        if (events.isEmpty()) {
            html.append("<p class=\"muted\">no events recorded in trajectories.jsonl for this task</p>");
            for (JsonNode row : rows) {
                for (JsonNode message : row.path("messages")) message(html, message.path("role").asText("?"), message.path("content").asText(""), null);
                if (row.path("completion").isTextual()) message(html, "answer", row.get("completion").asText(), null);
            }
        }
        // with --epochs the events of every attempt are here, epoch after epoch (two epochs of a task never run at once):
        // each attempt starts under its own heading
        boolean epochs = events.stream().anyMatch(e -> e.path("epoch").asInt(1) > 1);
        int shownEpoch = 0;
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            if (epochs && event.path("epoch").asInt(1) != shownEpoch) {
                shownEpoch = event.path("epoch").asInt(1);
                html.append("<h4 class=\"epoch\" id=\"epoch-").append(shownEpoch).append("\">epoch ").append(shownEpoch).append("</h4>");
                // each attempt ran in its own sandbox: the line that rebuilds this one
                if (sandboxCommand != null) {
                    html.append("<div class=\"sandbox-link\"><span>re-create epoch ").append(shownEpoch).append("'s sandbox:</span> <code class=\"copy sandbox-epoch\">")
                            .append(Html.escape(sandboxCommand + " --epoch " + shownEpoch)).append("</code></div>");
                }
            }
            switch (type) {
                case "task_started" -> {
                    for (JsonNode message : event.path("opening")) {
                        String role = message.path("role").asText("?");
                        if ("system".equals(role)) {
                            html.append("<details class=\"msg system\"><summary class=\"role\">system prompt</summary><pre class=\"text\">")
                                    .append(Html.escape(message.path("content").asText(""))).append("</pre></details>");
                        } else {
                            message(html, role, message.path("content").asText(""), null);
                        }
                        for (JsonNode image : message.path("images")) image(html, image.asText());
                    }
                }
                case "model_response" -> {
                    JsonNode usage = event.path("usage");
                    String meta = "turn " + event.path("turn").asInt() + " · " + usage.path("prompt_tokens").asInt() + " prompt + "
                            + usage.path("completion_tokens").asInt() + " completion tokens · " + event.path("latency_ms").asLong() + " ms"
                            + (event.path("attempts").asInt(1) > 1 ? " · " + event.path("attempts").asInt() + " attempts" : "")
                            + (event.path("finish_reason").isTextual() ? " · " + event.get("finish_reason").asText() : "");
                    message(html, "assistant", event.path("content").asText(""), meta);
                }
                case "code_execution" -> cell(html, event);
                case "observation" -> message(html, event.path("role").asText("observation") + " · observation", event.path("content").asText(""), null);
                case "error" -> html.append("<div class=\"msg error\"><div class=\"role\">error · ").append(Html.escape(event.path("kind").asText()))
                        .append("</div><pre class=\"text\">").append(Html.escape(event.path("message").asText(""))).append("</pre></div>");
                case "judge_call" -> {
                    html.append("<div class=\"msg judge\"><div class=\"role\">judge · ").append(Html.escape(event.path("model").asText()))
                            .append(" · ").append(event.path("latency_ms").asLong()).append(" ms</div><details><summary>prompt</summary><pre class=\"text\">")
                            .append(Html.escape(event.path("prompt").asText(""))).append("</pre></details>");
                    for (JsonNode image : event.path("images")) image(html, image.asText());
                    if (event.path("reply").isTextual()) html.append("<pre class=\"text\">").append(Html.escape(event.get("reply").asText())).append("</pre>");
                    if (event.path("error").isTextual()) html.append("<pre class=\"text error\">").append(Html.escape(event.get("error").asText())).append("</pre>");
                    html.append("</div>");
                }
                case "task_finished" -> {
                    html.append("<div class=\"msg finished\"><div class=\"role\">finished · ").append(Html.escape(event.path("stop_reason").asText()))
                            .append(" · ").append(event.path("turns").asInt()).append(" turns · ").append(event.path("usage").path("prompt_tokens").asInt())
                            .append(" + ").append(event.path("usage").path("completion_tokens").asInt()).append(" tokens</div>");
                    if (event.path("final_answer").isTextual()) {
                        html.append("<div class=\"final-answer\"><b>final answer</b><pre class=\"text\">").append(Html.escape(event.get("final_answer").asText()))
                                .append("</pre></div>");
                    }
                    html.append("</div>");
                }
                default -> { }
            }
        }
        html.append("</section>");
    }

    private static void message(StringBuilder html, String role, String content, String meta) {
        String kind = role.split(" ", 2)[0].toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
        html.append("<div class=\"msg ").append(kind).append("\"><div class=\"role\">").append(Html.escape(role));
        if (meta != null) html.append(" · <span class=\"meta\">").append(Html.escape(meta)).append("</span>");
        html.append("</div>");
        Matcher fence = FENCE.matcher(content);
        int last = 0;
        while (fence.find()) {
            text(html, content.substring(last, fence.start()));
            String lang = fence.group(1).toLowerCase(Locale.ROOT);
            String code = fence.group(2).strip();
            html.append("<pre class=\"code\">").append(lang.isEmpty() || lang.startsWith("py") ? PythonHighlighter.toHtml(code) : Html.escape(code)).append("</pre>");
            last = fence.end();
        }
        text(html, content.substring(last));
        html.append("</div>");
    }

    private static void text(StringBuilder html, String text) {
        if (!text.isBlank()) html.append("<pre class=\"text\">").append(Html.escape(text.strip())).append("</pre>");
    }

    private void cell(StringBuilder html, JsonNode event) {
        String status = event.path("status").asText("ok");
        html.append("<div class=\"cell ").append("ok".equals(status) ? "ok" : "failed").append("\"><div class=\"role\">cell · turn ")
                .append(event.path("turn").asInt()).append(" · ").append(Html.escape(status)).append(" · ").append(event.path("duration_ms").asLong()).append(" ms")
                .append(event.path("state_lost").asBoolean() ? " · state lost" : "").append("</div><pre class=\"code\">")
                .append(PythonHighlighter.toHtml(event.path("code").asText(""))).append("</pre>");
        outputs(html, event.path("outputs"));
        if (event.path("message").isTextual() && !event.get("message").asText().isBlank()) {
            html.append("<pre class=\"traceback\">").append(Html.escape(event.get("message").asText())).append("</pre>");
        }
        html.append("</div>");
    }

    private static void outputs(StringBuilder html, JsonNode outputs) {
        for (JsonNode output : outputs) {
            switch (output.path("output_type").asText()) {
                case "stream" -> html.append("<pre class=\"stream ").append("stderr".equals(output.path("name").asText()) ? "stderr" : "stdout")
                        .append("\">").append(Html.escape(output.path("text").asText(""))).append("</pre>");
                case "error" -> {
                    html.append("<pre class=\"traceback\">");
                    StringBuilder trace = new StringBuilder();
                    for (JsonNode line : output.path("traceback")) trace.append(line.asText()).append('\n');
                    if (trace.isEmpty()) trace.append(output.path("ename").asText()).append(": ").append(output.path("evalue").asText());
                    html.append(Html.escape(ANSI.matcher(trace.toString().strip()).replaceAll(""))).append("</pre>");
                }
                case "execute_result", "display_data", "update_display_data" -> data(html, output.path("data"));
                default -> { }
            }
        }
    }

    private static void data(StringBuilder html, JsonNode data) {
        for (String mime : List.of("image/png", "image/jpeg")) {
            String base64 = data.path(mime).asText("");
            if (!base64.isEmpty() && BASE64.matcher(base64).matches()) {
                html.append("<img class=\"output\" alt=\"").append(mime).append("\" src=\"data:").append(mime).append(";base64,")
                        .append(base64.replaceAll("\\s", "")).append("\">");
                return;
            }
        }
        if (data.path("text/html").isTextual()) {
            // HTML the code displayed: rendered, but with no scripts and no access to the viewer
            html.append("<iframe class=\"output-html\" sandbox title=\"HTML output\" srcdoc=\"").append(Html.escape(data.get("text/html").asText()))
                    .append("\"></iframe>");
            return;
        }
        if (data.path("text/plain").isTextual()) html.append("<pre class=\"result\">").append(Html.escape(data.get("text/plain").asText())).append("</pre>");
    }

    private void image(StringBuilder html, String image) {
        if (image.startsWith("data:image/")) {
            int comma = image.indexOf(',');
            if (comma > 0 && BASE64.matcher(image.substring(comma + 1)).matches() && image.substring(0, comma).matches("data:image/[a-z+]+;base64")) {
                html.append("<img class=\"output\" alt=\"image\" src=\"").append(Html.escape(image)).append("\">");
            }
        } else if (!image.contains(":") && !image.startsWith("/")) {
            html.append("<img class=\"output\" alt=\"image\" src=\"").append(Html.escape(link.apply(image))).append("\">");
        }
    }

    /** Pages the model wrote (ArtifactsBench's page.html), each in a sandboxed frame: its scripts run, without the viewer's origin. */
    private void pages(StringBuilder html) {
        boolean epochs = files.stream().anyMatch(f -> f.path().endsWith("page.html") && EPOCH_FOLDER.matcher(f.path()).find());
        for (TaskFile file : files) {
            if (!file.path().endsWith("page.html")) continue;
            // a later epoch's page is in artifacts/TASK/epoch-N/: each page says whose attempt it is
            Matcher folder = EPOCH_FOLDER.matcher(file.path());
            String epoch = !epochs ? "" : " · epoch " + (folder.find() ? folder.group(1) : "1");
            html.append("<section class=\"page\"><h3>The model's page").append(epoch).append("</h3><iframe class=\"model-page\" sandbox=\"allow-scripts\" title=\"the model's page\" src=\"")
                    .append(Html.escape(link.apply(file.path()))).append("\"></iframe></section>");
        }
    }

    private void fileList(StringBuilder html) {
        if (files.isEmpty()) return;
        html.append("<section class=\"files\"><h3>Files</h3><ul>");
        for (TaskFile file : files) {
            String name = file.path().substring(file.path().lastIndexOf('/') + 1);
            html.append("<li><a download=\"").append(Html.escape(name)).append("\" href=\"").append(Html.escape(link.apply(file.path()))).append("\">")
                    .append(Html.escape(file.path())).append("</a> <span class=\"muted\">").append(file.size()).append(" bytes</span>");
            if (name.toLowerCase(Locale.ROOT).matches(".*\\.(png|jpe?g|gif|webp)$")) {
                html.append("<br><img class=\"output\" alt=\"").append(Html.escape(name)).append("\" src=\"").append(Html.escape(link.apply(file.path()))).append("\">");
            }
            html.append("</li>");
        }
        html.append("</ul></section>");
    }

    private void timings(StringBuilder html) {
        Instant first = null;
        Instant last = null;
        long model = 0;
        long cells = 0;
        for (JsonNode event : events) {
            Instant time = instant(event.path("time").asText(null));
            if (time != null) {
                if (first == null) first = time;
                last = time;
            }
            if ("model_response".equals(event.path("type").asText())) model += event.path("latency_ms").asLong();
            if ("code_execution".equals(event.path("type").asText())) cells += event.path("duration_ms").asLong();
        }
        html.append("<section class=\"timings\"><h3>Timings</h3><p>");
        if (first != null) html.append("wall clock ").append(Duration.between(first, last).toMillis()).append(" ms · ");
        html.append("model ").append(model).append(" ms · cells ").append(cells).append(" ms");
        for (JsonNode row : rows) {
            if (row.path("duration_ms").isNumber()) html.append(" · task ").append(row.get("duration_ms").asLong()).append(" ms");
        }
        html.append("</p></section>");
    }

    private static Instant instant(String text) {
        if (text == null) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
