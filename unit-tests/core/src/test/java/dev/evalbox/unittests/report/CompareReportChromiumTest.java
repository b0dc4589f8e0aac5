package dev.evalbox.unittests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.evalbox.unittests.compare.Comparison;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare.html in real headless Chromium: the tables, the intervals drawn, and a flipped task's links into both runs' reports. */
@Tag("chromium")
class CompareReportChromiumTest {

    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    private static Path run(Path dir, String model, Map<String, Boolean> verdicts) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"pybench\",\"model\":{\"name\":\"" + model + "\"}}");
        StringBuilder rows = new StringBuilder();
        verdicts.forEach((task, passed) -> rows.append("{\"task_id\":\"").append(task).append("\",\"epoch\":1,\"sample\":0,\"passed\":")
                .append(passed).append(",\"reason\":\"").append(passed ? "" : "AssertionError").append("\"}\n"));
        Files.writeString(dir.resolve("results.jsonl"), rows.toString());
        new RunReport(dir).write();
        return dir;
    }

    @Test
    void thePageShowsTheTableTheLeaderboardAndLinksEachFlippedTaskToBothReports(@TempDir Path dir) throws Exception {
        Path a = run(dir.resolve("runs/a"), "model <a>", Map.of("1", true, "2", true, "3", true, "4", false, "5", true));
        Path b = run(dir.resolve("runs/b"), "model-b", Map.of("1", true, "2", false, "3", false, "4", true, "5", true));
        Path page = new CompareReport(Comparison.of(List.of(a, b))).write(dir.resolve("out/compare.html"));
        String html = Files.readString(page);
        assertTrue(!html.contains("<script") && !html.contains("http://") && !html.contains("https://"), "self-contained, no scripts");

        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true).setExecutablePath(ChromiumRequired.CHROMIUM)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu")))) {
            Page view = browser.newPage();
            view.navigate(page.toUri().toString());
            assertEquals("2", view.textContent("#pair-1 td.both"));
            assertEquals("2", view.textContent("#pair-1 td.a-only"));
            assertEquals("1", view.textContent("#pair-1 td.b-only"));
            assertEquals("0", view.textContent("#pair-1 td.neither"));
            assertEquals("1.0000", view.textContent("#pair-1 .p-value")); // 2 against 1: P(X <= 1 | 3) = 4/8, doubled
            assertEquals("+20.0", view.textContent("#pair-1 .difference"));
            assertTrue(view.textContent("#pair-1 h2").contains("model <a> (A) vs model-b (B)"), "labels escaped and shown as text");
            List<?> leaderboard = (List<?>) view.evaluate("Array.from(document.querySelectorAll('table.leaderboard tr td:nth-child(2)')).map(td => td.textContent)");
            assertEquals(List.of("model <a>", "model-b"), leaderboard, "sorted by pass rate: 80% before 60%");
            Number barWidth = (Number) view.evaluate("document.querySelector('table.leaderboard .bar .ci').getBoundingClientRect().width");
            assertTrue(barWidth.doubleValue() > 10, "the interval is drawn: " + barWidth);
            List<?> flips = (List<?>) view.evaluate("Array.from(document.querySelectorAll('#pair-1 .flips .task')).map(s => s.textContent)");
            assertEquals(List.of("2", "3", "4"), flips);

            // B's trajectory of task 4 opens B's report at that task
            view.click("#pair-1 .flips li:nth-child(3) a:nth-of-type(2)");
            view.waitForURL("**/runs/b/report.html#task-4");
            assertEquals(true, view.evaluate("document.getElementById('task-4').open"));
        }
    }

    /** A run with two epochs per task: verdicts[task] = {epoch 1's, epoch 2's}. */
    private static Path runWithEpochs(Path dir, String model, Map<String, boolean[]> verdicts) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"pybench\",\"model\":{\"name\":\"" + model + "\"}}");
        StringBuilder rows = new StringBuilder();
        for (int epoch = 1; epoch <= 2; epoch++) {
            for (var entry : new java.util.TreeMap<>(verdicts).entrySet()) {
                boolean passed = entry.getValue()[epoch - 1];
                rows.append("{\"task_id\":\"").append(entry.getKey()).append("\",\"epoch\":").append(epoch).append(",\"sample\":0,\"passed\":")
                        .append(passed).append(",\"reason\":\"").append(passed ? "" : "AssertionError in epoch " + epoch).append("\"}\n");
            }
        }
        Files.writeString(dir.resolve("results.jsonl"), rows.toString());
        new RunReport(dir).write();
        return dir;
    }

    @Test
    void withEpochsAFlippedTaskLinksToEveryAttemptOfBothRuns(@TempDir Path dir) throws Exception {
        // task 3: A passes epoch 1 and fails epoch 2 (50%: passed), B fails both; task 4 the other way round
        Path a = runWithEpochs(dir.resolve("runs/a"), "model-a", Map.of("1", new boolean[] {true, true}, "3", new boolean[] {true, false},
                "4", new boolean[] {false, false}));
        Path b = runWithEpochs(dir.resolve("runs/b"), "model-b", Map.of("1", new boolean[] {true, true}, "3", new boolean[] {false, false},
                "4", new boolean[] {false, true}));
        Path page = new CompareReport(Comparison.of(List.of(a, b))).write(dir.resolve("out/compare.html"));

        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true).setExecutablePath(ChromiumRequired.CHROMIUM)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu")))) {
            Page view = browser.newPage();
            view.navigate(page.toUri().toString());
            assertEquals(List.of("3", "4"), view.evaluate("Array.from(document.querySelectorAll('#pair-1 .flips .task')).map(s => s.textContent)"));
            List<?> aLinks = (List<?>) view.evaluate("Array.from(document.querySelectorAll('#pair-1 .flips li:nth-child(1) .attempts.a a'))"
                    + ".map(a => a.textContent + ' ' + a.className + ' ' + a.getAttribute('href'))");
            assertEquals(List.of("epoch 1 ✓ attempt pass flip ../runs/a/report.html#task-3", "epoch 2 ✗ attempt fail ../runs/a/report.html#task-3-epoch-2"),
                    aLinks, "A's two attempts, the passing one (A passes the task) marked as making it flip");
            List<?> bLinks = (List<?>) view.evaluate("Array.from(document.querySelectorAll('#pair-1 .flips li:nth-child(1) .attempts.b a.flip')).map(a => a.textContent)");
            assertEquals(List.of("epoch 1 ✗", "epoch 2 ✗"), bLinks, "both of B's failures make it flip");

            // B's epoch 2 of task 3 opens B's report at that attempt's own row, not epoch 1's
            view.click("#pair-1 .flips li:nth-child(1) .attempts.b a[data-epoch='2']");
            view.waitForURL("**/runs/b/report.html#task-3-epoch-2");
            assertEquals(true, view.evaluate("document.getElementById('task-3-epoch-2').open"));
            assertTrue(view.textContent("#task-3-epoch-2").contains("AssertionError in epoch 2"), "the row of epoch 2's attempt");
        }
    }
}
