package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
            Page page = browser.page();
            page.navigate(server.url());
            Browser.rendered(page, "evalbox-runs");
            page.selectOption("#compare-a", keyA);
            page.selectOption("#compare-b", keyB);
            page.click("#compare-go");
            Browser.rendered(page, "evalbox-compare");
            String table = page.textContent("#compare-table");
            assertTrue(table.contains("both pass" + both) && table.contains("only A passes" + aOnly) && table.contains("only B passes" + bOnly)
                    && table.contains("neither" + neither), table);
            assertTrue(table.contains("McNemar"), table);
            List<String> shown = page.locator("#flipped li a").allTextContents();
            assertEquals(flipped.stream().sorted().toList(), shown.stream().sorted().toList());

            page.locator("#flipped li a").first().click();
            Browser.rendered(page, "evalbox-compare-task");
            String task = shown.get(0);
            assertTrue(page.textContent("#task-title").contains(task));
            assertTrue(page.textContent("#transcript-a").contains("Task " + task + ":"), "A's transcript of the task");
            assertTrue(page.textContent("#transcript-b").contains("Task " + task + ":"), "B's transcript of the task");
        }
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
