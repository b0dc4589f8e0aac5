package dev.evalbox.kernel.notebook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook's task view is the viewer's task transcript: cells highlighted, model text escaped, files inline. */
class TaskViewTest {
    @Test
    void aTaskShowsAsTheViewerShowsIt(@TempDir Path run) throws Exception {
        Files.createDirectories(run.resolve("artifacts/t1"));
        Files.write(run.resolve("artifacts/t1/fig.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.writeString(run.resolve("results.jsonl"), "{\"task_id\":\"t1\",\"epoch\":1,\"sample\":0,\"passed\":false,\"reason\":\"AssertionError: <b>x</b>\"}\n");
        Files.writeString(run.resolve("trajectories.jsonl"), String.join("\n",
                "{\"type\":\"model_response\",\"task_id\":\"t1\",\"time\":\"2026-12-03T09:00:01Z\",\"turn\":1,\"content\":\"<script>alert(1)</script>\","
                        + "\"latency_ms\":12,\"attempts\":1,\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}",
                "{\"type\":\"code_execution\",\"task_id\":\"t1\",\"time\":\"2026-12-03T09:00:02Z\",\"turn\":1,\"code\":\"import os\",\"status\":\"ok\","
                        + "\"duration_ms\":5,\"state_lost\":false,\"outputs\":[{\"output_type\":\"stream\",\"name\":\"stdout\",\"text\":\"hi\"}]}", ""));
        String html = (String) Notebook.task(run, "t1").bundle().data().get("text/html");
        assertTrue(html.contains("<span class=\"k\">import</span>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("AssertionError: &lt;b&gt;x&lt;/b&gt;"), html);
        assertTrue(html.contains("3 prompt + 4 completion tokens · 12 ms"), html);
        assertTrue(html.contains("href=\"data:image/png;base64,iVBORw"), "the run's files come inline: " + html);
        assertTrue(html.contains("%sandbox open --task t1 --run " + run), html);
    }
}
