package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import dev.evalbox.cli.view.SmallRuns.RunSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runs page in headless Chromium on four runs of two benchmarks and two models: each sortable
 * column sorts the rows both ways, the benchmark and model filters leave the right rows and say how
 * many, and the page as drawn (its screenshot and its text) shows every run with its status, tasks
 * done and headline metric.
 */
@Tag("chromium")
class ViewerRunsPageChromiumTest {
    private static final Map<String, RunSpec> BY_PATH = SmallRuns.FOUR_RUNS.stream().collect(Collectors.toMap(RunSpec::path, s -> s));

    @TempDir
    static Path dir;
    static ViewerSession viewer;

    @BeforeAll
    static void start() throws Exception {
        Path runs = dir.resolve("runs");
        SmallRuns.writeRuns(runs, SmallRuns.FOUR_RUNS);
        viewer = ViewerSession.serve(runs);
    }

    @AfterAll
    static void stop() {
        if (viewer != null) viewer.close();
    }

    /** The runs the page shows, top to bottom. */
    private static List<RunSpec> shown(Page page) {
        List<RunSpec> shown = new ArrayList<>();
        for (String path : page.locator("#runs tbody tr td:first-child a").allTextContents()) {
            RunSpec spec = BY_PATH.get(path);
            assertTrue(spec != null, "a row for a run that is not in the folder: " + path);
            shown.add(spec);
        }
        return shown;
    }

    @Test
    void eachColumnSortsTheRunsBothWays() {
        Page page = viewer.open("", "evalbox-runs");
        assertEquals(sorted(SmallRuns.FOUR_RUNS, RunSpec::started, true), shown(page), "newest first until a column is clicked");
        Map<String, Function<RunSpec, Comparable<?>>> columns = Map.of("path", RunSpec::path, "benchmark", RunSpec::benchmark,
                "model", RunSpec::model, "status", RunSpec::status, "started", RunSpec::started, "done", RunSpec::done);
        assertEquals(columns.keySet(), Set.copyOf(ViewerSession.attributes(page, "#runs th.sortable", "data-sort")), "the sortable columns");
        for (String column : List.of("path", "benchmark", "model", "status", "done", "started")) {
            Function<RunSpec, Comparable<?>> key = columns.get(column);
            // a click draws the table at once; the header's arrow says which way it is sorted now
            page.click("#runs th[data-sort='" + column + "']");
            page.waitForSelector("#runs th[data-sort='" + column + "']:has-text('▴')");
            assertEquals(keys(sorted(SmallRuns.FOUR_RUNS, key, false), key), keys(shown(page), key), column + " ascending");
            page.click("#runs th[data-sort='" + column + "']");
            page.waitForSelector("#runs th[data-sort='" + column + "']:has-text('▾')");
            assertEquals(keys(sorted(SmallRuns.FOUR_RUNS, key, true), key), keys(shown(page), key), column + " descending");
        }
    }

    @Test
    void theBenchmarkAndModelFiltersLeaveTheirRuns() {
        Page page = viewer.open("", "evalbox-runs");
        assertEquals("4 of 4 runs", page.textContent("#runs-count"));
        assertEquals(List.of("code-interpreter", "pybench"), options(page, "#filter-benchmark"));
        assertEquals(List.of("model-a", "model-b"), options(page, "#filter-model"));

        filter(page, "#filter-benchmark", "pybench", 2);
        assertEquals(paths(r -> r.benchmark().equals("pybench")), paths(shown(page)));
        assertTrue(page.locator("#runs tbody tr td:nth-child(2)").allTextContents().stream().allMatch("PyBench"::equals),
                page.textContent("#runs tbody"));
        filter(page, "#filter-model", "model-b", 1);
        assertEquals(List.of("pybench-beta"), paths(shown(page)));
        filter(page, "#filter-benchmark", "", 2);
        assertEquals(paths(r -> r.model().equals("model-b")), paths(shown(page)));
        filter(page, "#filter-benchmark", "code-interpreter", 1);
        assertEquals(List.of("ci-beta"), paths(shown(page)));
        filter(page, "#filter-model", "model-a", 1);
        assertEquals(List.of("ci-alpha"), paths(shown(page)));
        // the filter holds while the table is sorted, and the page's once-a-second refresh keeps both
        filter(page, "#filter-model", "", 2);
        page.click("#runs th[data-sort='done']");
        page.waitForSelector("#runs th[data-sort='done']:has-text('▴')");
        assertEquals(List.of("ci-alpha", "ci-beta"), paths(shown(page)));
        filter(page, "#filter-benchmark", "", 4);
        assertEquals(List.of("pybench-beta", "ci-alpha", "ci-beta", "pybench-alpha"), paths(shown(page)), "by tasks done: 2, 3, 5, 6");
    }

    @Test
    void theDrawnPageShowsEveryRun() throws Exception {
        Page page = viewer.open("", "evalbox-runs");
        byte[] shot = page.screenshot(new Page.ScreenshotOptions().setFullPage(true));
        assertTrue(Browser.colours(shot) > 30, "a rendered table, not a blank page");
        assertTrue(Browser.hasColour(shot, 0x1d2330), "the header bar is on screen");
        assertTrue(Browser.hasColour(shot, 0xdcfce7), "the finished badge is on screen");
        assertTrue(Browser.hasColour(shot, 0xfef9c3), "the running badge is on screen");
        assertTrue(Browser.hasColour(shot, 0xffedd5), "the interrupted badge is on screen");
        Map<String, String> headline = Map.of("pybench-alpha", "pass_rate 66.67", "pybench-beta", "passed 50% (1/2)",
                "ci-alpha", "passed 100% (3/3)", "ci-beta", "passed 0% (0/5)");
        for (RunSpec spec : SmallRuns.FOUR_RUNS) {
            String row = "#runs tr[data-key='" + viewer.key(spec.path()) + "']";
            assertEquals(spec.path(), page.textContent(row + " td:nth-child(1)"));
            assertEquals(spec.model(), page.textContent(row + " td:nth-child(3)"));
            assertEquals(spec.status(), page.textContent(row + " .badge"));
            assertEquals(spec.started().replace('T', ' ').substring(0, 16), page.textContent(row + " td:nth-child(5)"));
            assertEquals(spec.done() + " of " + spec.total(), page.textContent(row + " td.done"));
            assertEquals(headline.get(spec.path()), page.textContent(row + " td.metrics"));
        }
    }

    private static void filter(Page page, String select, String value, int rows) {
        page.selectOption(select, value);
        page.waitForSelector("#runs-count:text-is('" + rows + " of 4 runs')");
        assertEquals(rows, page.locator("#runs tbody tr").count());
    }

    private static List<String> options(Page page, String select) {
        List<String> values = new ArrayList<>(ViewerSession.attributes(page, select + " option", "value"));
        assertEquals("", values.remove(0), "the first option is all");
        return values;
    }

    private static List<String> paths(List<RunSpec> runs) {
        return runs.stream().map(RunSpec::path).toList();
    }

    private static List<String> paths(java.util.function.Predicate<RunSpec> test) {
        return paths(shownOrder(SmallRuns.FOUR_RUNS.stream().filter(test).toList()));
    }

    /** The page's default order: newest first. */
    private static List<RunSpec> shownOrder(List<RunSpec> runs) {
        return sorted(runs, RunSpec::started, true);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static List<RunSpec> sorted(List<RunSpec> runs, Function<RunSpec, Comparable<?>> key, boolean descending) {
        Comparator<RunSpec> order = Comparator.comparing(r -> (Comparable) key.apply(r));
        List<RunSpec> copy = new ArrayList<>(runs);
        copy.sort(descending ? order.reversed() : order);
        return copy;
    }

    /** The sort key of each run in order: runs with equal keys may come in either order, so the keys are compared. */
    private static List<Object> keys(List<RunSpec> runs, Function<RunSpec, Comparable<?>> key) {
        return runs.stream().map(r -> (Object) key.apply(r)).toList();
    }
}
