package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import dev.evalbox.unittests.artifactsbench.ArtifactRenderer;
import dev.evalbox.unittests.artifactsbench.ArtifactsAnswer;
import dev.evalbox.unittests.artifactsbench.ArtifactsGrading;
import dev.evalbox.unittests.artifactsbench.ArtifactsJudge;
import dev.evalbox.unittests.artifactsbench.ArtifactsTask;
import dev.evalbox.unittests.artifactsbench.RendererPool;
import dev.evalbox.unittests.eval.EvalRunner;
import dev.evalbox.unittests.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.evalbox.unittests.report.ChromiumRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ArtifactsBench run's report.html opened in real Chromium: the screenshots load, scores and judge replies show. */
@Tag("chromium")
class ArtifactsReportChromiumTest {
    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    /** A judge that gives every task 75 and says so in markup that must come out escaped. */
    private static final ChatModel JUDGE = new ChatModel() {
        @Override public String name() { return "fixed"; }

        @Override public ChatCompletion complete(ChatRequest request) {
            return new ChatCompletion(List.of("Looks <b>good</b>. {\"Overall Score\": \"75\"}"), "stop", Usage.NONE, Duration.ZERO, 1);
        }
    };

    private static ArtifactsTask task(String index, String category, String difficulty) {
        return new ArtifactsTask(index, "Question " + index, List.of(new ArtifactsTask.ChecklistItem(0, "Works", "d", 100)), category, difficulty);
    }

    @Test
    void screenshotsLoadAndScoresShowInChromium(@TempDir Path dir) throws Exception {
        Path runPath = dir.resolve("run");
        List<ArtifactsAnswer> items = List.of(
                new ArtifactsAnswer(task("1", "Web Applications-Todo", "easy"), "<html><body style='background:#fa0'><h1>todo</h1></body></html>"),
                new ArtifactsAnswer(task("2", "SVG Generation-Logo", "hard"),
                        "<svg xmlns='http://www.w3.org/2000/svg' width='120' height='80'><rect width='120' height='80' fill='#09c'/></svg>"),
                new ArtifactsAnswer(task("10", "SVG Generation-Icon", "hard"), null));
        ArtifactRenderer.Settings fast = new ArtifactRenderer.Settings(ChromiumRequired.CHROMIUM, 640, 400, 3, Duration.ofMillis(100), Duration.ofSeconds(60));
        try (RunDirectory run = RunDirectory.open(runPath); RendererPool renderers = new RendererPool(fast)) {
            ArtifactsGrading grading = new ArtifactsGrading(renderers, new ArtifactsJudge(JUDGE, ArtifactsJudge.DEFAULT_PROMPT, 100_000));
            Workers.run(items, 2, item -> run.appendResult(EvalRunner.rowJson(item.task(), 1,
                    grading.grade(item, runPath, ArtifactsJudge.CallListener.NONE))));
            run.writeRunJson(RunDirectory.object().put("kind", "run").put("benchmark", "artifactsbench").put("model", "coder").put("judge", "fixed"));
        }
        Files.writeString(runPath.resolve("answers.jsonl"), "{\"index\": 1, \"question\": \"Make a <todo> app\", \"answer\": \"<html>...</html>\"}\n");
        Path report = new RunReport(runPath).write();

        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true).setExecutablePath(ChromiumRequired.CHROMIUM)
                     .setArgs(List.of("--no-sandbox", "--disable-gpu")))) {
            Page page = browser.newPage();
            page.navigate(report.toUri() + "#task-2");
            List<?> widths = (List<?>) page.evaluate("Array.from(document.querySelectorAll('img.shot')).map(i => i.complete ? i.naturalWidth : 0)");
            assertEquals(6, widths.size(), "three screenshots for each of the two rendered tasks");
            for (Object width : widths) assertTrue(((Number) width).intValue() > 0, "every screenshot loaded: " + widths);
            assertTrue(page.textContent("#mean-score").startsWith("75.0 mean judge score"), page.textContent("#mean-score"));
            assertTrue(page.textContent("#mean-score").contains("2 scored, 0 unscored, of 2 answered tasks"), page.textContent("#mean-score"));
            assertTrue(page.textContent("#no-answer").startsWith("1 task(s) had no answer"), "task 10 has none: " + page.textContent("#no-answer"));
            assertTrue(page.textContent("#by-category").contains("SVG Generation"), page.textContent("#by-category"));
            assertTrue(page.textContent("#by-difficulty").contains("hard"), page.textContent("#by-difficulty"));
            assertEquals(Boolean.TRUE, page.evaluate("document.getElementById('task-2').open"), "#task-2 opens that task");
            assertTrue(page.textContent("#task-2 pre.judge").contains("Looks <b>good</b>."), "the judge's reply, escaped");
            assertEquals(0, page.locator("#task-2 pre.judge b").count());
            assertTrue(page.textContent("#task-1").contains("Make a <todo> app"), "the question of a generated answer");
            assertTrue(page.textContent("#task-10 summary").contains("unscored"));
            List<?> order = (List<?>) page.evaluate("Array.from(document.querySelectorAll('details.task')).map(d => d.id)");
            assertEquals(List.of("task-1", "task-2", "task-10"), order);
        }
    }
}
