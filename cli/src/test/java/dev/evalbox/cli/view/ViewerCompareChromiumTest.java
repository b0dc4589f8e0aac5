package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.playwright.Page;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer's compare page in headless Chromium: two runs of one benchmark picked on the runs page,
 * the numbers `evalbox compare` gives them (checked against counts made here from the two results
 * files), the tasks that flipped, and a flipped task's two transcripts side by side.
 */
@Tag("chromium")
class ViewerCompareChromiumTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASKS = 40;

    @Test
    void twoRunsSideBySide(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path runs = dir.resolve("runs");
        GeneratedRun.write(runs.resolve("a"), TASKS, 1);
        GeneratedRun.write(runs.resolve("b"), TASKS, 1);
        // B differs from A on three tasks: each changes its verdict
        List<String> rowsB = new ArrayList<>();
        for (String line : Files.readAllLines(runs.resolve("b/results.jsonl"))) {
            ObjectNode row = (ObjectNode) JSON.readTree(line);
            if (List.of("g3", "g7", "g11").contains(row.path("task_id").asText())) row.put("passed", !row.path("passed").asBoolean());
            rowsB.add(row.toString());
        }
        Files.write(runs.resolve("b/results.jsonl"), rowsB);
        Map<String, Boolean> a = verdicts(runs.resolve("a/results.jsonl"));
        Map<String, Boolean> b = verdicts(runs.resolve("b/results.jsonl"));
        int both = 0;
        int aOnly = 0;
        int bOnly = 0;
        int neither = 0;
        List<String> flipped = new ArrayList<>();
        for (String task : a.keySet()) {
            boolean x = a.get(task);
            boolean y = b.get(task);
            if (x && y) both++; else if (x) aOnly++; else if (y) bOnly++; else neither++;
            if (x != y) flipped.add(task);
        }

        try (ViewServer server = ViewServer.start(runs, "127.0.0.1", 0); Browser browser = new Browser()) {
            String keyA = key(server, "a");
            String keyB = key(server, "b");
            Page page = pickTwoRuns(server, browser, keyA, keyB);
            page.click("#compare-go");
            Browser.rendered(page, "evalbox-compare");
            // the page of `evalbox compare` (the notebook's too), its links turned to the viewer's pages
            assertEquals(List.of(both, aOnly, bOnly, neither), List.of(".both", ".a-only", ".b-only", ".neither").stream()
                    .map(cell -> Integer.parseInt(page.textContent("#compare-report .two-by-two " + cell).strip())).toList());
            assertTrue(page.textContent("#compare-report .pair").contains("McNemar"), page.textContent("#compare-report"));
            List<String> shown = page.locator("#compare-report .flips li .task").allTextContents();
            assertEquals(flipped.stream().sorted().toList(), shown.stream().sorted().toList());
            List<String> runLinks = new ArrayList<>();
            for (var link : page.locator("#compare-report .leaderboard a").all()) runLinks.add(link.getAttribute("href"));
            assertEquals(java.util.Set.of("#/run/" + keyA, "#/run/" + keyB), java.util.Set.copyOf(runLinks), "each run links to its page: " + runLinks);

            assertEquals(0, page.locator("#compare-report .flips .attempts").count(), "one attempt per task: no epoch links");
            page.locator("#compare-report .flips li a.trajectory.a").first().click();
            Browser.rendered(page, "evalbox-compare-task");
            String task = shown.get(0);
            assertTrue(page.textContent("#task-title").contains(task));
            assertTrue(page.textContent("#transcript-a").contains("Task " + task + ":"), "A's transcript of the task");
            assertTrue(page.textContent("#transcript-b").contains("Task " + task + ":"), "B's transcript of the task");
        }
    }

    @Test
    void withEpochsEachFlippedTaskLinksToEveryAttemptAtItsEpoch(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path runs = dir.resolve("runs");
        GeneratedRun.write(runs.resolve("a"), 12, 1, 2);
        GeneratedRun.write(runs.resolve("b"), 12, 1, 2);
        // B: task g3 fails both epochs where A passes it, g5 passes both epochs where A fails it
        Map<String, Boolean> aRows = attemptVerdicts(runs.resolve("a/results.jsonl"));
        List<String> rowsB = new ArrayList<>();
        for (String line : Files.readAllLines(runs.resolve("b/results.jsonl"))) {
            ObjectNode row = (ObjectNode) JSON.readTree(line);
            String task = row.path("task_id").asText();
            row.put("passed", task.equals("g3") ? false : task.equals("g5") || row.path("passed").asBoolean());
            rowsB.add(row.toString());
        }
        Files.write(runs.resolve("b/results.jsonl"), rowsB);
        Map<String, Boolean> bRows = attemptVerdicts(runs.resolve("b/results.jsonl"));
        // the verdicts of g3 in A (one of A's attempts must pass it for the test to mean anything)
        assertTrue(aRows.get("g3/1") || aRows.get("g3/2"), "A passes g3 in some epoch: " + aRows);

        try (ViewServer server = ViewServer.start(runs, "127.0.0.1", 0); Browser browser = new Browser()) {
            String keyA = key(server, "a");
            String keyB = key(server, "b");
            Page page = browser.page();
            page.navigate(server.url() + "#/compare/" + keyA + "/" + keyB);
            Browser.rendered(page, "evalbox-compare");
            List<String> shown = page.locator("#compare-report .flips li .task").allTextContents();
            int g3 = shown.indexOf("g3");
            assertTrue(g3 >= 0, "g3 flipped: " + shown);
            var item = page.locator("#compare-report .flips li").nth(g3);
            List<String> expectA = List.of("epoch 1" + (aRows.get("g3/1") ? " ✓" : " ✗"), "epoch 2" + (aRows.get("g3/2") ? " ✓" : " ✗"));
            assertEquals(expectA, item.locator(".attempts.a a").allTextContents(), "every attempt of A with its own verdict");
            assertEquals(List.of("epoch 1 ✗", "epoch 2 ✗"), item.locator(".attempts.b a").allTextContents());
            assertFalse(bRows.get("g3/2"));

            // B's epoch 2: the two transcripts, B's at its epoch 2 events
            item.locator(".attempts.b a[data-epoch='2']").click();
            Browser.rendered(page, "evalbox-compare-task");
            assertTrue(page.url().endsWith("/task/" + g3 + "/b/2"), page.url());
            assertEquals(1, page.locator("#transcript-b h4.epoch.target").count(), "B's epoch 2 heading is marked");
            assertEquals("epoch-2", page.locator("#transcript-b h4.epoch.target").getAttribute("id"));
            assertEquals(0, page.locator("#transcript-a h4.epoch.target").count());
            assertTrue(page.locator("#transcript-b h4.epoch.target").isVisible());
        }
    }

    /** Each attempt's verdict, keyed "TASK/EPOCH". */
    private static Map<String, Boolean> attemptVerdicts(Path results) throws Exception {
        Map<String, Boolean> verdicts = new TreeMap<>();
        for (String line : Files.readAllLines(results)) {
            JsonNode row = JSON.readTree(line);
            verdicts.put(row.path("task_id").asText() + "/" + row.path("epoch").asInt(1), row.path("passed").asBoolean());
        }
        return verdicts;
    }

    /** The runs page redraws as runs change: the two runs picked for a compare stay picked (a redraw lost them). */
    @Test
    void thePicksOfACompareOutliveALiveUpdate(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path runs = dir.resolve("runs");
        GeneratedRun.write(runs.resolve("a"), 6, 1);
        GeneratedRun.write(runs.resolve("b"), 6, 1);
        try (ViewServer server = ViewServer.start(runs, "127.0.0.1", 0); Browser browser = new Browser()) {
            String keyA = key(server, "a");
            String keyB = key(server, "b");
            Page page = pickTwoRuns(server, browser, keyA, keyB);
            String done = page.textContent("tr[data-key='" + keyA + "'] td.done");
            // run a gains a task: the page draws the runs again
            Files.writeString(runs.resolve("a/results.jsonl"), "{\"task_id\":\"extra\",\"epoch\":1,\"sample\":0,\"passed\":true,\"reason\":\"\"}\n",
                    java.nio.file.StandardOpenOption.APPEND);
            page.waitForSelector("tr[data-key='" + keyA + "'] td.done:not(:text-is('" + done + "'))", new Page.WaitForSelectorOptions().setTimeout(60_000));
            assertEquals(keyA, page.inputValue("#compare-a"));
            assertEquals(keyB, page.inputValue("#compare-b"));
            assertEquals("#/compare/" + keyA + "/" + keyB, page.getAttribute("#compare-go", "href"));
            page.click("#compare-go");
            Browser.rendered(page, "evalbox-compare");
        }
    }

    /** The runs page, with runs A and B picked for a compare. */
    private static Page pickTwoRuns(ViewServer server, Browser browser, String keyA, String keyB) {
        Page page = browser.page();
        page.navigate(server.url());
        Browser.rendered(page, "evalbox-runs");
        page.selectOption("#compare-a", keyA);
        page.selectOption("#compare-b", keyB);
        return page;
    }

    private static String key(ViewServer server, String name) {
        return server.runs().entrySet().stream().filter(e -> e.getValue().dir().getFileName().toString().equals(name))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static Map<String, Boolean> verdicts(Path results) throws Exception {
        Map<String, Boolean> verdicts = new TreeMap<>();
        for (String line : Files.readAllLines(results)) {
            JsonNode row = JSON.readTree(line);
            verdicts.put(row.path("task_id").asText(), row.path("passed").asBoolean());
        }
        return verdicts;
    }
}
