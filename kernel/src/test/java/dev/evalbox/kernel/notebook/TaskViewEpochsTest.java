package dev.evalbox.kernel.notebook;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task of a run made with --epochs, as the notebook (and the viewer's task page, the same transcript) shows it:
 * every attempt's verdict with its epoch (not only the last epoch's), each attempt's events under its own heading,
 * and each epoch's page saying whose it is.
 */
class TaskViewEpochsTest {

    private static String event(String type, int epoch, String rest) {
        return "{\"type\":\"" + type + "\",\"task_id\":\"t1\"" + (epoch > 1 ? ",\"epoch\":" + epoch : "") + ",\"time\":\"2026-12-03T09:00:0" + epoch + "Z\"," + rest + "}";
    }

    @Test
    void everyAttemptShowsWithItsEpoch(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve("results.jsonl"), String.join("\n",
                "{\"task_id\":\"t1\",\"epoch\":1,\"sample\":0,\"passed\":true,\"reason\":\"\"}",
                "{\"task_id\":\"t1\",\"epoch\":2,\"sample\":0,\"passed\":false,\"reason\":\"SECOND-REASON\"}", ""));
        Files.writeString(run.resolve("trajectories.jsonl"), String.join("\n",
                event("model_response", 1, "\"turn\":1,\"content\":\"FIRST-REPLY\",\"latency_ms\":1,\"attempts\":1,\"usage\":{}"),
                event("model_response", 2, "\"turn\":1,\"content\":\"SECOND-REPLY\",\"latency_ms\":1,\"attempts\":1,\"usage\":{}"), ""));
        Files.createDirectories(run.resolve("artifacts/t1/epoch-2"));
        Files.writeString(run.resolve("artifacts/t1/page.html"), "<p>one</p>");
        Files.writeString(run.resolve("artifacts/t1/epoch-2/page.html"), "<p>two</p>");

        String html = (String) Notebook.task(run, "t1").bundle().data().get("text/html");
        assertTrue(html.contains("<span class=\"badge passed\">passed</span> <span class=\"muted epoch\">epoch 1</span>"), html);
        assertTrue(html.contains("<span class=\"badge failed\">failed</span> <span class=\"muted epoch\">epoch 2</span>"),
                "the second epoch's verdict too, not only the last row: " + html);
        assertTrue(html.contains("SECOND-REASON"), html);
        int first = html.indexOf("id=\"epoch-1\"");
        int second = html.indexOf("id=\"epoch-2\"");
        assertTrue(first >= 0 && second > first, "a heading per attempt: " + html);
        assertTrue(html.indexOf("FIRST-REPLY") > first && html.indexOf("FIRST-REPLY") < second, "epoch 1's reply under epoch 1");
        assertTrue(html.indexOf("SECOND-REPLY") > second, "epoch 2's reply under epoch 2");
        assertTrue(html.contains("The model's page · epoch 1") && html.contains("The model's page · epoch 2"), html);
        int rebuild = html.indexOf("%sandbox open --task t1 --run " + run + " --epoch 2");
        assertTrue(rebuild > second && rebuild < html.indexOf("SECOND-REPLY"), "under epoch 2's heading, the line that rebuilds its sandbox: " + html);
    }
}
