package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.evalbox.cli.view.SmallRuns.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run page in headless Chromium on a run whose rows are passed, failed, error, unscored and scored,
 * with distinct scores and repeating turns: the task list sorted by each of its sorts, the count (and
 * the rows drawn) under every status, category, difficulty and free-text filter and some together,
 * checked against the run's own rows, and the page as drawn (screenshot and text).
 * ViewerChromiumTest covers failed, failed and hard, one category and text on a generated run;
 * this covers every value of each filter, the statuses that run lacks, and the sorts.
 */
@Tag("chromium")
class ViewerRunPageChromiumTest {
    private static final int ROWS = 40;

    @TempDir
    static Path dir;
    static ViewerSession viewer;
    static List<Row> rows;

    @BeforeAll
    static void start() throws Exception {
        Path runs = dir.resolve("runs");
        rows = SmallRuns.writeMixedRun(runs.resolve("mixed"), ROWS);
        GeneratedRun.write(runs.resolve("generated"), 30, 1);
        viewer = ViewerSession.serve(runs);
    }

    @AfterAll
    static void stop() {
        if (viewer != null) viewer.close();
    }

    private static Page runPage() {
        return viewer.open("#/run/" + viewer.key("mixed"), "evalbox-run");
    }

    private static List<String> ids(Page page) {
        return ViewerSession.attributes(page, "#tasks tbody tr", "data-task");
    }

    private static List<String> ids(List<Row> list) {
        return list.stream().map(Row::taskId).toList();
    }

    private static Row row(String id) {
        return rows.stream().filter(r -> r.taskId().equals(id)).findFirst().orElseThrow(() -> new AssertionError("no row " + id));
    }

    @Test
    void eachSortOrdersTheTaskList() {
        Page page = runPage();
        assertEquals(ROWS, ViewerSession.count(page));
        assertEquals(List.of("", "status", "score", "turns"), ViewerSession.attributes(page, "#sort option", "value"), "the sorts the list offers");
        assertEquals(ids(rows), ids(page), "by task: the order of results.jsonl");

        ViewerSession.change(page, () -> page.selectOption("#sort", "status"));
        List<Row> byStatus = new ArrayList<>(rows);
        byStatus.sort(Comparator.comparing(Row::status).thenComparing(rows::indexOf));
        assertEquals(ids(byStatus), ids(page), "by status, then in the run's order");

        ViewerSession.change(page, () -> page.selectOption("#sort", "score"));
        List<Row> scored = rows.stream().filter(r -> r.score() != null).sorted(Comparator.comparing(Row::score).reversed()).toList();
        List<String> shown = ids(page);
        assertEquals(ids(scored), shown.subList(0, scored.size()), "the highest score first");
        assertEquals(rows.stream().filter(r -> r.score() == null).map(Row::taskId).sorted().toList(),
                shown.subList(scored.size(), ROWS).stream().sorted().toList(), "the rows without a score after them");
        List<Double> scores = page.locator("#tasks tbody tr td:nth-child(4)").allTextContents().subList(0, scored.size()).stream()
                .map(Double::parseDouble).toList();
        assertEquals(scored.stream().map(Row::score).toList(), scores, "the score column as shown");

        ViewerSession.change(page, () -> page.selectOption("#sort", "turns"));
        List<Integer> turns = page.locator("#tasks tbody tr td:nth-child(5)").allTextContents().stream().map(Integer::parseInt).toList();
        assertEquals(rows.stream().map(Row::turns).sorted(Comparator.reverseOrder()).toList(), turns, "the most turns first");
        assertEquals(ids(page).stream().map(id -> row(id).turns()).toList(), turns, "each row shows its own turns");

        // a sort holds under a filter, and a filter under a sort
        ViewerSession.change(page, () -> page.selectOption("#filter-status", "scored"));
        ViewerSession.change(page, () -> page.selectOption("#sort", "score"));
        assertEquals(ids(scored), ids(page));
        ViewerSession.change(page, () -> page.selectOption("#filter-category", SmallRuns.CATEGORIES[1]));
        assertEquals(ids(scored.stream().filter(r -> r.category().equals(SmallRuns.CATEGORIES[1])).toList()), ids(page));
        ViewerSession.change(page, () -> page.selectOption("#sort", ""));
        assertEquals(ids(matching(r -> r.status().equals("scored") && r.category().equals(SmallRuns.CATEGORIES[1]))), ids(page));
    }

    @Test
    void theCountMatchesEveryFilter() {
        Page page = runPage();
        for (String status : List.of("passed", "failed", "error", "unscored", "scored")) {
            long all = matching(r -> r.status().equals(status)).size();
            assertEquals(String.valueOf(all), page.textContent("[data-metric='" + status + "'] b"), status + " card");
        }
        long passed = matching(r -> r.status().equals("passed")).size();
        long graded = matching(r -> List.of("passed", "failed", "error").contains(r.status())).size();
        assertEquals(String.format(Locale.ROOT, "%.2f%%", 100.0 * passed / graded), page.textContent("[data-metric='pass rate'] b"));
        assertEquals(List.of("error", "failed", "passed", "scored", "unscored"), options(page, "#filter-status"));

        for (String status : List.of("passed", "failed", "error", "unscored", "scored")) {
            ViewerSession.change(page, () -> page.selectOption("#filter-status", status));
            expect(page, r -> r.status().equals(status), "status " + status);
            assertEquals(ViewerSession.count(page), page.locator("#tasks tbody tr[data-status='" + status + "']").count(), status);
        }
        ViewerSession.change(page, () -> page.selectOption("#filter-status", ""));
        for (String category : SmallRuns.CATEGORIES) {
            ViewerSession.change(page, () -> page.selectOption("#filter-category", category));
            expect(page, r -> r.category().equals(category), "category " + category);
        }
        ViewerSession.change(page, () -> page.selectOption("#filter-category", ""));
        for (String difficulty : SmallRuns.DIFFICULTIES) {
            ViewerSession.change(page, () -> page.selectOption("#filter-difficulty", difficulty));
            expect(page, r -> r.difficulty().equals(difficulty), "difficulty " + difficulty);
        }
        ViewerSession.change(page, () -> page.selectOption("#filter-difficulty", ""));
        for (String text : List.of("m1", "M3", "column total", "HTTP 503", "not graded", "answer of m2", "nothing matches this")) {
            ViewerSession.change(page, () -> page.fill("#filter-text", text));
            expect(page, r -> (r.taskId() + " " + r.reason() + " answer of " + r.taskId()).toLowerCase(Locale.ROOT)
                    .contains(text.toLowerCase(Locale.ROOT)), "text " + text);
        }
        // all of them at once
        ViewerSession.change(page, () -> page.fill("#filter-text", "m2"));
        ViewerSession.change(page, () -> page.selectOption("#filter-status", "failed"));
        ViewerSession.change(page, () -> page.selectOption("#filter-difficulty", "hard"));
        ViewerSession.change(page, () -> page.selectOption("#filter-category", SmallRuns.CATEGORIES[0]));
        expect(page, r -> r.taskId().contains("m2") && r.status().equals("failed") && r.difficulty().equals("hard")
                && r.category().equals(SmallRuns.CATEGORIES[0]), "text, status, difficulty and category");
        ViewerSession.change(page, () -> page.fill("#filter-text", ""));
        expect(page, r -> r.status().equals("failed") && r.difficulty().equals("hard") && r.category().equals(SmallRuns.CATEGORIES[0]),
                "status, difficulty and category");
    }

    @Test
    void theDrawnPageShowsTheRun() throws Exception {
        Page page = runPage();
        byte[] shot = page.screenshot(new Page.ScreenshotOptions().setFullPage(true));
        assertTrue(Browser.colours(shot) > 30, "a rendered page, not a blank one");
        assertTrue(Browser.hasColour(shot, 0x3b82f6), "the pass-rate bars are on screen");
        assertTrue(Browser.hasColour(shot, 0xdbeafe), "the scored badges are on screen");
        assertTrue(Browser.hasColour(shot, 0xfee2e2), "the failed badges are on screen");
        assertTrue(page.textContent("#run-title").startsWith("PyBench · mixed-model"), page.textContent("#run-title"));
        assertEquals(ROWS + " of " + ROWS + " shown", page.textContent("#task-count"));
        assertEquals(String.valueOf(ROWS), page.textContent("[data-metric='rows'] b"));
        assertEquals(List.of(SmallRuns.CATEGORIES).stream().sorted().toList(),
                page.locator("#by-category .bars > span:nth-child(3n+1)").allTextContents(), "a bar per category");
        assertEquals(List.of(SmallRuns.DIFFICULTIES).stream().sorted().toList(),
                page.locator("#by-difficulty .bars > span:nth-child(3n+1)").allTextContents(), "a bar per difficulty");
        String table = page.textContent("#tasks");
        for (Row r : rows) {
            assertTrue(table.contains(r.taskId()) && table.contains(r.reason()), r.taskId());
            assertEquals(r.status(), page.textContent("#tasks tr[data-task='" + r.taskId() + "'] .badge"));
        }
    }

    @Test
    void aFilterTheNextRunCannotApplyIsDropped() {
        Page page = viewer.open("#/run/" + viewer.key("generated"), "evalbox-run");
        ViewerSession.change(page, () -> page.selectOption("#filter-category", GeneratedRun.CATEGORIES[0]));
        ViewerSession.change(page, () -> page.selectOption("#filter-status", "failed"));
        assertTrue(List.of(SmallRuns.CATEGORIES).stream().noneMatch(GeneratedRun.CATEGORIES[0]::equals), "the mixed run has no such category");
        // the same page goes on to the other run (no reload): the status filter applies there too, the category does not
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        page.navigate(viewer.server.url() + "#/run/" + viewer.key("mixed"));
        Browser.rendered(page, "evalbox-run");
        assertEquals("", page.inputValue("#filter-category"));
        assertEquals("failed", page.inputValue("#filter-status"));
        expect(page, r -> r.status().equals("failed"), "the filters the page shows are the ones applied");
    }

    private static List<Row> matching(Predicate<Row> test) {
        return rows.stream().filter(test).toList();
    }

    /** The page's count and drawn rows are exactly the rows {@code test} keeps, in the run's order. */
    private static void expect(Page page, Predicate<Row> test, String what) {
        List<Row> kept = matching(test);
        assertEquals(kept.size(), ViewerSession.count(page), what);
        assertEquals(kept.size() + " of " + ROWS + " shown", page.textContent("#task-count"), what);
        assertEquals(ids(kept), ids(page), what);
    }

    private static List<String> options(Page page, String select) {
        List<String> values = new ArrayList<>(ViewerSession.attributes(page, select + " option", "value"));
        assertEquals("", values.remove(0), "the first option is all");
        return values;
    }
}
