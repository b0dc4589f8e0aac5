package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Page;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task page in headless Chromium for a task whose cell raised and whose grader's reason is pylint's
 * message (HumanEval-V's gate, as grade_harness.py words it): the traceback as text without IPython's
 * colour codes, the cell marked failed with its time, the reason in full, the timings section, and the
 * line that re-creates the task's sandbox.
 */
@Tag("chromium")
class ViewerTaskPageChromiumTest {

    @Test
    void aRaisedCellAndAPylintReasonAreShown(@TempDir Path dir) throws Exception {
        Path runs = dir.resolve("runs");
        Path run = runs.resolve("raised");
        SmallRuns.RaisedTask task = SmallRuns.writeRaisedTask(run);
        try (ViewerSession viewer = ViewerSession.serve(runs)) {
            String key = viewer.key("raised");
            int number = viewer.server.runs().get(key).taskNumber(task.taskId());
            Page page = viewer.open("#/run/" + key + "/task/" + number, "evalbox-task");
            assertEquals("task " + task.taskId(), page.textContent("#task-title"));

            String traceback = page.textContent(".cell pre.traceback");
            assertTrue(traceback.contains("Traceback (most recent call last)") && traceback.contains("----> 2")
                    && traceback.contains("mean = total / 0") && traceback.endsWith(task.traceback()), traceback);
            assertFalse(traceback.contains("\u001b") || traceback.contains("[0;31m"), "IPython's colour codes are taken out: " + traceback);
            assertEquals(1, page.locator(".cell.failed").count(), "the cell that raised is marked");
            assertTrue(page.textContent(".cell.failed .role").contains("error · " + task.cellMs() + " ms"), page.textContent(".cell.failed .role"));
            assertEquals("about to divide\n", page.textContent(".cell pre.stream.stdout"), "what it printed before it raised");

            assertEquals(task.pylint(), page.textContent(".verdicts pre.reason"), "the pylint gate's message in full");
            assertEquals("failed", page.textContent(".verdicts .badge"));
            assertEquals("true", page.textContent(".verdicts table.fields tr:has(th:text-is('pylint_failed')) td"));

            assertEquals("wall clock 2500 ms · model " + task.modelMs() + " ms · cells " + task.cellMs() + " ms · task " + task.taskMs() + " ms",
                    page.textContent(".timings p"));
            assertTrue(page.textContent(".msg.assistant .meta").contains("310 prompt + 42 completion tokens · " + task.modelMs() + " ms"));

            String command = page.textContent("#sandbox-command");
            assertEquals("%sandbox open --task " + task.taskId() + " --run " + run.toRealPath(), command.replace("'", ""), command);

            byte[] shot = page.screenshot(new Page.ScreenshotOptions().setFullPage(true));
            assertTrue(Browser.colours(shot) > 30, "a rendered page, not a blank one");
            assertTrue(Browser.hasColour(shot, 0xfef2f2), "the traceback's background is on screen");
            assertTrue(Browser.hasColour(shot, 0x0f172a), "the code cell is on screen");
        }
    }
}
