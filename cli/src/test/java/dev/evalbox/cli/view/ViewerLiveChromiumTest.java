package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.microsoft.playwright.Page;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run being written while its pages are open: a writer thread appends a task's events and then its
 * results.jsonl line, as the runner does, and the runs page (tasks done, headline) and the run page (the
 * new row, the cards) show it with no reload; a line written in two parts shows only once it is whole; the
 * new task's page opens; the run finishing turns both badges. Each wait is on the page's DOM, bounded by
 * 20 s; how long each update took is printed, not asserted (`evalbox bench view` measures it).
 */
@Tag("chromium")
class ViewerLiveChromiumTest {
    private static final Page.WaitForSelectorOptions BOUND = new Page.WaitForSelectorOptions().setTimeout(20_000);

    @Test
    void pagesFollowARunAsItIsWritten(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("runs");
        Path live = runs.resolve("live");
        Files.createDirectories(live);
        Files.writeString(live.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"pybench\",\"status\":\"running\","
                + "\"started\":\"2026-12-03T10:00:00Z\",\"dataset\":{\"tasks\":4},\"model\":{\"name\":\"live-model\"}}");
        SmallRuns.append(live, "trajectories.jsonl", events("t1"));
        SmallRuns.append(live, "results.jsonl", row("t1", true));
        ExecutorService writer = Executors.newSingleThreadExecutor(r -> new Thread(r, "run-writer"));
        try (ViewerSession viewer = ViewerSession.serve(runs)) {
            String key = viewer.key("live");
            Page runsPage = viewer.open("", "evalbox-runs");
            Page runPage = viewer.open("#/run/" + key, "evalbox-run");
            String done = "#runs tr[data-key='" + key + "'] td.done";
            assertEquals("1 of 4", runsPage.textContent(done));
            assertEquals(1, ViewerSession.count(runPage));
            AtomicInteger loads = new AtomicInteger();
            runsPage.onLoad(p -> loads.incrementAndGet());
            runPage.onLoad(p -> loads.incrementAndGet());
            // a mark only the pages' first load has: a reload would lose it
            for (Page page : new Page[] {runsPage, runPage}) page.evaluate("() => document.documentElement.setAttribute('data-probe', 'first load')");

            Future<Long> appended = writer.submit(() -> {
                SmallRuns.append(live, "trajectories.jsonl", events("t2"));
                SmallRuns.append(live, "results.jsonl", row("t2", false));
                return System.nanoTime();
            });
            long at = appended.get(20, TimeUnit.SECONDS);
            runPage.waitForSelector("#tasks tr[data-task='t2']", BOUND);
            long runPageMs = (System.nanoTime() - at) / 1_000_000;
            runsPage.waitForSelector(done + ":text-is('2 of 4')", BOUND);
            long runsPageMs = (System.nanoTime() - at) / 1_000_000;
            System.out.println("live update seen " + runPageMs + " ms (run page), " + runsPageMs + " ms (runs page) after the append");
            assertEquals(2, ViewerSession.count(runPage));
            runPage.waitForSelector("[data-metric='failed'] b:text-is('1')", BOUND);
            assertEquals("failed", runPage.textContent("#tasks tr[data-task='t2'] .badge"));
            assertEquals("wrong answer t2", runPage.textContent("#tasks tr[data-task='t2'] td.reason"));
            assertEquals("passed 50% (1/2)", runsPage.textContent("#runs tr[data-key='" + key + "'] td.metrics"));

            // t3 whole and the first part of t4's line in one write: t3 shows, t4 waits for the rest of its line
            writer.submit(() -> {
                SmallRuns.append(live, "trajectories.jsonl", events("t3") + events("t4"));
                SmallRuns.append(live, "results.jsonl", row("t3", true) + row("t4", true).substring(0, 20));
                return null;
            }).get(20, TimeUnit.SECONDS);
            runPage.waitForSelector("#tasks tr[data-task='t3']", BOUND);
            assertEquals(List.of("t1", "t2", "t3"), ViewerSession.attributes(runPage, "#tasks tbody tr", "data-task"), "no row from half a line");
            runsPage.waitForSelector(done + ":text-is('3 of 4')", BOUND);
            writer.submit(() -> {
                SmallRuns.append(live, "results.jsonl", row("t4", true).substring(20));
                return null;
            }).get(20, TimeUnit.SECONDS);
            runPage.waitForSelector("#tasks tr[data-task='t4']", BOUND);
            assertEquals(List.of("t1", "t2", "t3", "t4"), ViewerSession.attributes(runPage, "#tasks tbody tr", "data-task"));
            runsPage.waitForSelector(done + ":text-is('4 of 4')", BOUND);

            writer.submit(() -> {
                Files.writeString(live.resolve("run.json"), Files.readString(live.resolve("run.json")).replace("running", "finished"));
                return null;
            }).get(20, TimeUnit.SECONDS);
            runsPage.waitForSelector("#runs tr[data-key='" + key + "'] .badge.finished", BOUND);
            runPage.waitForSelector("#run-title .badge.finished", BOUND);
            assertEquals(0, loads.get(), "no page was loaded again");
            for (Page page : new Page[] {runsPage, runPage}) {
                assertEquals("first load", page.getAttribute("html", "data-probe"), "the page was updated in place, not reloaded");
            }

            // the task written while the page was open has its page, with its events
            runPage.evaluate("() => document.body.removeAttribute('data-rendered')");
            runPage.click("#tasks tr[data-task='t2'] a");
            Browser.rendered(runPage, "evalbox-task");
            assertEquals("task t2", runPage.textContent("#task-title"));
            assertEquals("print('t2')", runPage.textContent(".cell pre.code"));
            assertEquals("wrong answer t2", runPage.textContent(".verdicts pre.reason"));
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void aReaderWorkingOnTheListKeepsItsPlaceAsRowsArrive(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("runs");
        Path live = runs.resolve("live");
        Files.createDirectories(live);
        Files.writeString(live.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"pybench\",\"status\":\"running\","
                + "\"started\":\"2026-12-03T10:00:00Z\",\"dataset\":{\"tasks\":300},\"model\":{\"name\":\"live-model\"}}");
        StringBuilder first = new StringBuilder();
        for (int i = 0; i < 250; i++) first.append(row("r" + i, i % 3 != 0));
        SmallRuns.append(live, "results.jsonl", first.toString());
        try (ViewerSession viewer = ViewerSession.serve(runs)) {
            Page page = viewer.open("#/run/" + viewer.key("live"), "evalbox-run");
            assertEquals(200, page.locator("#tasks tbody tr").count());
            page.click("#show-more");
            page.waitForSelector("#tasks tr[data-task='r249']", BOUND);
            assertEquals(250, page.locator("#tasks tbody tr").count(), "more rows on demand");
            SmallRuns.append(live, "results.jsonl", row("r250", true));
            page.waitForSelector("#task-count[data-count='251']", BOUND);
            assertEquals(251, page.locator("#tasks tbody tr").count(), "the rows asked for stay drawn as a row arrives");

            // typing a filter while the run is written: a new row does not take the field away
            page.click("#filter-text");
            ViewerSession.change(page, () -> page.keyboard().type("r25"));
            SmallRuns.append(live, "results.jsonl", row("r252", true));
            page.waitForSelector("#tasks tr[data-task='r252']", BOUND);
            assertEquals("filter-text", page.evaluate("() => document.activeElement.id"), "the field being typed in keeps the focus");
            ViewerSession.change(page, () -> page.keyboard().type("2"));
            assertEquals("r252", page.inputValue("#filter-text"));
            assertEquals(List.of("r252"), ViewerSession.attributes(page, "#tasks tbody tr", "data-task"));
        }
    }

    private static String row(String task, boolean passed) {
        return "{\"task_id\":\"" + task + "\",\"epoch\":1,\"sample\":0,\"passed\":" + passed + ",\"reason\":\"" + (passed ? "" : "wrong answer " + task) + "\"}\n";
    }

    private static String events(String task) {
        String head = "{\"task_id\":\"" + task + "\",\"time\":\"2026-12-03T10:00:01Z\",";
        return head + "\"type\":\"task_started\",\"benchmark\":\"pybench\",\"model\":\"live-model\",\"opening\":[{\"role\":\"user\",\"content\":\"go\"}]}\n"
                + head + "\"type\":\"code_execution\",\"turn\":1,\"code\":\"print('" + task + "')\",\"status\":\"ok\",\"duration_ms\":3,"
                + "\"state_lost\":false,\"outputs\":[{\"output_type\":\"stream\",\"name\":\"stdout\",\"text\":\"" + task + "\\n\"}]}\n"
                + head + "\"type\":\"task_finished\",\"stop_reason\":\"no_code\",\"turns\":1,\"final_answer\":\"done " + task + "\","
                + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1}}\n";
    }
}
