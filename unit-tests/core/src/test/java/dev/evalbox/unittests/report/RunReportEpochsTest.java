package dev.evalbox.unittests.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared report.html of a run made with --epochs: each attempt's row shows that attempt's own conversation,
 * ReAct trace, inline figures and files, not epoch 1's (nor every epoch's files under epoch 1).
 */
class RunReportEpochsTest {

    private static String conversation(String index, int epoch, String code) {
        return "{\"index\": \"" + index + "\"" + (epoch > 1 ? ", \"epoch\": " + epoch : "") + ", \"messages\": [{\"role\": \"user\", \"content\": \"q\"},"
                + " {\"role\": \"assistant\", \"content\": \"```python\\n" + code + "\\n```\"}, {\"role\": \"user\", \"content\": \"observed\"}]}";
    }

    private static String figure(String task, int epoch, String png) {
        return "{\"type\": \"code_execution\", \"task_id\": \"" + task + "\"" + (epoch > 1 ? ", \"epoch\": " + epoch : "")
                + ", \"turn\": 1, \"outputs\": [{\"output_type\": \"display_data\", \"data\": {\"image/png\": \"" + png + "\"}}]}";
    }

    /** The part of the page that is one attempt's row, by its anchor. */
    private static String row(String html, String id) {
        int start = html.indexOf("id=\"" + id + "\"");
        assertTrue(start >= 0, "no row " + id);
        int end = html.indexOf("</details>\n", start);
        return html.substring(start, end);
    }

    @Test
    void eachAttemptsRowShowsItsOwnConversationTraceFiguresAndFiles(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve("results.jsonl"), String.join("\n",
                "{\"task_id\": \"3\", \"epoch\": 1, \"sample\": 0, \"passed\": true, \"reason\": \"\"}",
                "{\"task_id\": \"3\", \"epoch\": 2, \"sample\": 0, \"passed\": false, \"reason\": \"wrong\"}", ""));
        Files.writeString(run.resolve("pybench_trajectory.jsonl"), conversation("3", 1, "first_code()") + "\n" + conversation("3", 2, "second_code()") + "\n");
        Files.writeString(run.resolve("traces.jsonl"), "{\"task_id\": \"3\", \"trace\": \"TRACE-ONE\"}\n{\"task_id\": \"3\", \"epoch\": 2, \"trace\": \"TRACE-TWO\"}\n");
        Files.writeString(run.resolve("trajectories.jsonl"), figure("3", 1, "QUFBQQ==") + "\n" + figure("3", 2, "QkJCQg==") + "\n");
        Files.createDirectories(run.resolve("artifacts/3/epoch-2"));
        Files.writeString(run.resolve("artifacts/3/one.txt"), "1");
        Files.writeString(run.resolve("artifacts/3/epoch-2/two.txt"), "2");

        String html = new RunReport(run).render();
        String first = row(html, "task-3");
        String second = row(html, "task-3-epoch-2");
        assertTrue(first.contains("first_code") && !first.contains("second_code"), first);
        assertTrue(second.contains("second_code") && !second.contains("first_code"), second);
        assertTrue(first.contains("TRACE-ONE") && !first.contains("TRACE-TWO"), first);
        assertTrue(second.contains("TRACE-TWO") && !second.contains("TRACE-ONE"), second);
        assertTrue(first.contains("base64,QUFBQQ==") && !first.contains("QkJCQg=="), "epoch 1's figure only: " + first);
        assertTrue(second.contains("base64,QkJCQg==") && !second.contains("QUFBQQ=="), "epoch 2's figure only: " + second);
        assertTrue(first.contains("artifacts/3/one.txt"), first);
        assertFalse(first.contains("two.txt"), "a later epoch's files are not epoch 1's: " + first);
        assertTrue(second.contains("artifacts/3/epoch-2/two.txt") && !second.contains("one.txt"), second);
    }
}
