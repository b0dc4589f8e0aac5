package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer's run page of a run made with --epochs 2, in headless Chromium: a line per attempt (task
 * and epoch), each showing its epoch and its own verdict and final answer, an epoch filter, counts that
 * match every filter (made here from the run's results.jsonl), and an attempt's line opening the task
 * page at that epoch's events.
 */
@Tag("chromium")
class ViewerEpochsChromiumTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASKS = 60;

    @Test
    void everyAttemptHasItsLineAndTheFiltersCountAttempts(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path runs = dir.resolve("runs");
        GeneratedRun.Counts counts = GeneratedRun.write(runs.resolve("epochs"), TASKS, 1, 2);
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(runs.resolve("epochs/results.jsonl"))) rows.add(JSON.readTree(line));
        assertEquals(2 * TASKS, rows.size());

        try (ViewServer server = ViewServer.start(runs, "127.0.0.1", 0); Browser browser = new Browser()) {
            String key = server.runs().entrySet().stream().filter(e -> e.getValue().dir().getFileName().toString().equals("epochs"))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            Page page = browser.page();
            page.navigate(server.url() + "#/run/" + key);
            Browser.rendered(page, "evalbox-run");
            // the final answers arrive once trajectories.jsonl is read: wait for epoch 2's own
            page.waitForSelector("#tasks tr[data-epoch='2'] td.answer:has-text('(epoch 2)')");
            assertEquals(2 * TASKS, count(page), "a line per attempt, not per task");
            assertEquals(String.valueOf(counts.failed()), page.textContent("[data-metric='failed'] b"));

            change(page, () -> page.selectOption("#filter-epoch", "2"));
            assertEquals(TASKS, count(page));
            assertEquals(TASKS, page.locator("#tasks tbody tr[data-epoch='2']").count());
            assertEquals(0, page.locator("#tasks tbody tr[data-epoch='1']").count());
            assertTrue(page.locator("#tasks tbody tr td.epoch").allTextContents().stream().allMatch("2"::equals), "the epoch is shown");
            assertTrue(page.locator("#tasks tbody td.answer").allTextContents().stream().allMatch(a -> a.endsWith("(epoch 2)")),
                    "each line shows its own attempt's final answer");

            change(page, () -> page.selectOption("#filter-status", "failed"));
            assertEquals(matching(rows, r -> r.path("epoch").asInt() == 2 && failed(r)), count(page));
            change(page, () -> page.selectOption("#filter-epoch", "1"));
            long failedFirst = matching(rows, r -> r.path("epoch").asInt() == 1 && failed(r));
            assertEquals(failedFirst, count(page));
            assertEquals(failedFirst, page.locator("#tasks tbody tr[data-status='failed'][data-epoch='1']").count());
            change(page, () -> page.selectOption("#filter-epoch", ""));
            assertEquals(counts.failed(), count(page));
            assertEquals(counts.failed(), matching(rows, ViewerEpochsChromiumTest::failed));
            change(page, () -> page.selectOption("#filter-status", ""));
            change(page, () -> page.fill("#filter-text", "g7"));
            assertEquals(matching(rows, r -> r.path("task_id").asText().contains("g7")), count(page), "both epochs of each matching task");

            // epoch 2's line of a task opens its page at epoch 2's events
            change(page, () -> page.selectOption("#filter-epoch", "2"));
            page.locator("#tasks tbody tr[data-task='g7'] a").click();
            Browser.rendered(page, "evalbox-task");
            assertTrue(page.url().matches(".*/task/\\d+/2$"), page.url());
            assertEquals("epoch-2", page.locator("#transcript h4.epoch.target").getAttribute("id"));
        }
    }

    private static boolean failed(JsonNode row) { return !row.path("passed").asBoolean() && !row.has("stop_reason"); }

    private static long matching(List<JsonNode> rows, Predicate<JsonNode> test) { return rows.stream().filter(test).count(); }

    private static int count(Page page) { return Integer.parseInt(page.getAttribute("#task-count", "data-count")); }

    private static void change(Page page, Runnable action) {
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        action.run();
        Browser.rendered(page, "evalbox-filter");
    }
}
