package dev.evalbox.cli.view;

import java.nio.file.Files;
import java.nio.file.Path;

/** A run whose model wrote markup, script and links meant to run in the viewer, and a page that reaches for its parent. */
final class HostileRun {
    static final String ID = "<img src=x onerror=\"window.pwned=1;alert(1)\">";
    static final String REASON = "<script>window.pwned=2;alert(2)</script>";
    static final String ANSWER = "<a href=\"javascript:window.pwned=3\">click</a> [also](javascript:alert(3)) <script>alert(4)</script>";
    private static final String PAGE = "<!DOCTYPE html><html><body><p id=\"verdict\">waiting</p><script>"
            + "var v = document.getElementById('verdict');"
            + "try { parent.document.body.setAttribute('data-pwned', '1'); window.top.pwned = 5; v.textContent = 'reached the viewer'; }"
            + " catch (e) { v.textContent = 'blocked: ' + e.name; }</script></body></html>";

    private HostileRun() { }

    static void write(Path run) throws Exception {
        Files.createDirectories(run.resolve("artifacts/page/"));
        Files.writeString(run.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"artifactsbench\",\"status\":\"finished\","
                + "\"started\":\"2026-12-03T09:00:00Z\",\"model\":{\"name\":\"<b>bold model</b>\"}}");
        String id = json(ID);
        Files.writeString(run.resolve("results.jsonl"),
                "{\"task_id\":" + id + ",\"epoch\":1,\"sample\":0,\"passed\":false,\"reason\":" + json(REASON) + ",\"answer\":" + json(ANSWER) + "}\n"
                        + "{\"task_id\":\"page\",\"epoch\":1,\"sample\":0,\"passed\":true,\"reason\":\"\"}\n");
        Files.writeString(run.resolve("trajectories.jsonl"),
                "{\"type\":\"model_response\",\"task_id\":" + id + ",\"time\":\"2026-12-03T09:00:01Z\",\"turn\":1,\"content\":" + json(ANSWER)
                        + ",\"latency_ms\":5,\"attempts\":1,\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n"
                        + "{\"type\":\"task_finished\",\"task_id\":" + id + ",\"time\":\"2026-12-03T09:00:02Z\",\"stop_reason\":\"no_code\",\"turns\":1,"
                        + "\"final_answer\":" + json(ANSWER) + ",\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n");
        Files.writeString(run.resolve("artifacts/page/page.html"), PAGE);
        Files.writeString(run.resolve("artifacts/page/notes.txt"), "the model's notes");
        Path outside = run.getParent().getParent().resolve("secret.txt");
        Files.createSymbolicLink(run.resolve("artifacts/page/outside.txt"), outside);
        Files.createSymbolicLink(run.resolve("artifacts/page/outside-dir"), run.getParent().getParent());
    }

    private static String json(String text) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(text);
    }
}
