package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Page;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The static bundle offers the compare picker, so it carries the compare pages: picked and opened from file://. */
@Tag("chromium")
class ViewBundleCompareChromiumTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBundleComparesTwoRunsOfOneBenchmarkFromFile(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path runs = dir.resolve("runs");
        GeneratedRun.write(runs.resolve("a"), 12, 1);
        GeneratedRun.write(runs.resolve("b"), 12, 1);
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(runs.resolve("b/results.jsonl"))) {
            ObjectNode row = (ObjectNode) JSON.readTree(line);
            if (row.path("task_id").asText().equals("g5")) row.put("passed", !row.path("passed").asBoolean());
            rows.add(row.toString());
        }
        Files.write(runs.resolve("b/results.jsonl"), rows);
        Path site = dir.resolve("site");
        ViewBundle.write(runs, site);

        try (Browser browser = new Browser()) {
            Page page = browser.page();
            page.navigate(site.resolve("index.html").toUri().toString());
            Browser.rendered(page, "evalbox-runs");
            String a = page.locator("#compare-a option").nth(1).getAttribute("value");
            page.selectOption("#compare-a", a);
            assertEquals(2, page.locator("#compare-b option").count(), "the other run of the benchmark is offered");
            page.selectOption("#compare-b", page.locator("#compare-b option").nth(1).getAttribute("value"));
            page.click("#compare-go");
            Browser.rendered(page, "evalbox-compare");
            assertEquals(List.of("g5"), page.locator("#compare-report .flips li .task").allTextContents(), "the one task that flipped");
            page.locator("#compare-report .flips li a.trajectory.a").first().click();
            Browser.rendered(page, "evalbox-compare-task");
            assertTrue(page.textContent("#transcript-a").contains("Task g5:") && page.textContent("#transcript-b").contains("Task g5:"));
            assertTrue(page.url().startsWith("file:"), page.url());
        }
    }
}
