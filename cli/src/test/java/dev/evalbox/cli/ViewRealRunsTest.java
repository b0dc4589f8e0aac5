package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Page;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.cli.view.Browser;
import dev.evalbox.cli.view.ViewServer;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.pybench.PyBenchSample;
import dev.evalbox.unittests.report.ChromiumRequired;
import dev.evalbox.unittests.view.RunIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real run of each benchmark (scripted models on loopback, Docker sandboxes, Chromium for
 * ArtifactsBench), made as RunRecordSchemaTest makes them, shown by `evalbox view` in headless
 * Chromium: the runs page lists all four, each run page counts its rows, and each task page shows
 * what that benchmark records, checked in the page and on its screenshot.
 */
@Tag("docker")
@Tag("chromium")
class ViewRealRunsTest {
    @TempDir
    static Path dir;
    static Path runs;
    static ViewServer server;
    static Browser browser;

    @BeforeAll
    static void makeRuns() throws Exception {
        DockerRequired.check();
        ChromiumRequired.check();
        runs = dir.resolve("runs");
        Path checkout = PyBenchSample.extract(dir.resolve("checkout"));
        CommandRunner.Result result = CommandRunner.run("run", "pybench", "--pybench-dir", checkout.toString(),
                "--model", "replay:" + checkout.resolve("recorded_trajectory.jsonl"), "--backend", "docker", "--out", runs.resolve("pybench").toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());

        assertEquals(0, CommandRunner.demoPart("humaneval-v", runs.resolve("hev"), "--backend", "docker"));

        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, String.join("\n",
                "{\"index\": 1, \"question\": \"Draw a blue page.\", \"class\": \"Web Applications-X\", \"difficulty\": \"easy\","
                        + " \"checklist\": [{\"id\": 0, \"title\": \"Blue\", \"description\": \"d\", \"maxScore\": 100}]}",
                "{\"index\": 2, \"question\": \"Draw a circle.\", \"class\": \"SVG Generation-Y\", \"difficulty\": \"hard\","
                        + " \"checklist\": [{\"id\": 0, \"title\": \"Circle\", \"description\": \"d\", \"maxScore\": 100}]}"));
        try (ScriptedChatServer model = new ScriptedChatServer()) {
            model.then(Step.reply("```html\n<html><body style='background:#00f'><h1 style='color:#fff'>blue</h1></body></html>\n```"),
                    Step.reply("{\"Overall Score\": \"70\"}"), Step.status(500, Map.of()));
            result = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder", "--base-url", model.baseUrl(),
                    "--max-attempts", "1", "--judge", "judge", "--concurrency", "1", "--out", runs.resolve("artifactsbench").toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
        }

        Path data = dir.resolve("eval_code_interpreter_v1.jsonl");
        Files.writeString(data, String.join("\n", "{\"query\": \"Draw a line.\", \"tags\": \"all_ci,visualization\"}",
                "{\"query\": \"Say ok.\", \"tags\": \"all_ci,general\"}"));
        Path gsm8k = dir.resolve("gsm8k_test.jsonl");
        Files.writeString(gsm8k, "{\"question\": \"What is 2 + 4?\", \"answer\": \"2+4=6\\n#### 6\"}\n");
        String act = "Thought: run it\nAction: code_interpreter\nAction Input:\n```py\n%s\n```\n";
        try (ScriptedChatServer model = new ScriptedChatServer(); ScriptedChatServer judge = new ScriptedChatServer()) {
            model.then(Step.reply(act.formatted("plt.plot([1, 2, 3])\nplt.show()")), Step.reply("Thought: done\nFinal Answer: drawn"),
                    Step.reply(act.formatted("print('ok')")),
                    Step.reply(act.formatted("print(2 + 4)")), Step.reply("Thought: I know\nFinal Answer: 6"));
            judge.then(Step.reply("right"));
            result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--gsm8k", gsm8k.toString(), "--model", "agent",
                    "--base-url", model.baseUrl(), "--judge", "judge", "--judge-base-url", judge.baseUrl(), "--backend", "docker",
                    "--concurrency", "1", "--out", runs.resolve("code-interpreter").toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
        }
        server = ViewServer.start(runs, "127.0.0.1", 0);
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    private static Map.Entry<String, RunIndex> run(String benchmark) {
        return server.folder().scan().entrySet().stream().filter(e -> {
            e.getValue().refresh(false);
            return e.getValue().header().benchmark().equals(benchmark) && Files.isRegularFile(e.getValue().dir().resolve("results.jsonl"));
        }).findFirst().orElseThrow(() -> new AssertionError("no " + benchmark + " run under " + runs));
    }

    /** Opens the run page, checks its count, opens the task of {@code taskId} and returns the page. */
    private static Page task(String benchmark, String taskId) throws Exception {
        Map.Entry<String, RunIndex> run = run(benchmark);
        List<JsonNode> rows = RunDirectory.readResults(run.getValue().dir());
        Page page = browser.page();
        page.navigate(server.url() + "#/run/" + run.getKey());
        Browser.rendered(page, "evalbox-run");
        assertEquals(String.valueOf(rows.size()), page.getAttribute("#task-count", "data-count"), benchmark + ": a row per result line");
        assertTrue(page.textContent("#run-title").startsWith(run.getValue().header().benchmarkName()), page.textContent("#run-title"));
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        page.click("#tasks tr[data-task='" + taskId + "'] a");
        Browser.rendered(page, "evalbox-task");
        assertEquals("task " + taskId, page.textContent("#task-title"));
        byte[] shot = page.screenshot(new Page.ScreenshotOptions().setFullPage(true));
        assertTrue(Browser.colours(shot) > 30, benchmark + ": a rendered page, not a blank one");
        return page;
    }

    @Test
    void theRunsPageListsEveryBenchmark() {
        Page page = browser.page();
        page.navigate(server.url());
        Browser.rendered(page, "evalbox-runs");
        String table = page.textContent("#runs");
        for (String title : List.of("PyBench", "HumanEval-V", "ArtifactsBench", "Code Interpreter")) {
            assertTrue(table.toLowerCase().contains(title.toLowerCase().split(" ")[0]), title + " in " + table);
        }
        assertTrue(page.locator("#runs .badge.finished").count() >= 4);
        assertTrue(java.util.regex.Pattern.compile("\\[-?[0-9.]+, -?[0-9.]+\\]").matcher(table).find(),
                "the headline metrics carry their 95% intervals from the run's uncertainty: " + table);
    }

    @Test
    void pybench() throws Exception {
        Page page = task("pybench", "1");
        assertTrue(page.locator(".cell pre.code .k").count() > 0, "the code is highlighted");
        assertTrue(page.textContent(".cell").contains("read_csv"));
        assertTrue(page.locator(".msg.assistant .meta").count() > 0, "turns with tokens and latency");
        assertTrue(Browser.hasColour(page.screenshot(new Page.ScreenshotOptions().setFullPage(true)), 0x0f172a), "code cells on screen");
    }

    @Test
    void humanevalV() throws Exception {
        Map.Entry<String, RunIndex> run = run("humaneval-v");
        String first = RunDirectory.readResults(run.getValue().dir()).get(0).path("task_id").asText();
        Page page = task("humaneval-v", first);
        assertTrue(page.locator(".verdicts .badge.passed").count() > 0, page.textContent(".verdicts"));
        assertTrue(page.textContent("#transcript").contains("def "), "the graded answer's code");
    }

    @Test
    void artifactsbench() throws Exception {
        Page page = task("artifactsbench", "1");
        assertTrue(page.textContent(".verdicts").contains("score 70"), page.textContent(".verdicts"));
        assertTrue(page.locator("figure.screenshot img").count() > 0, "screenshots at full size");
        assertTrue((Boolean) page.evaluate("() => [...document.querySelectorAll('figure.screenshot img')].every(i => i.complete && i.naturalWidth >= 1280)"));
        assertEquals("allow-scripts", page.getAttribute("iframe.model-page", "sandbox"));
        byte[] shot = page.screenshot(new Page.ScreenshotOptions().setFullPage(true));
        assertTrue(Browser.hasColour(shot, 0x0000ff), "the model's blue page is on screen");
        assertTrue(page.textContent(".msg.judge").contains("Overall Score"), "the judge's reply");
    }

    @Test
    void codeInterpreter() throws Exception {
        Page page = task("code-interpreter", "ci-1");
        assertTrue((Boolean) page.evaluate("() => { const i = document.querySelector('img.output'); return !!i && i.complete && i.naturalWidth > 100; }"),
                "the figure the code drew");
        assertTrue(page.textContent(".files").contains("fig-001.png"), "the files the task wrote, downloadable");
        assertTrue(page.locator(".files a[download]").count() > 0);
        assertTrue(page.textContent(".final-answer").contains("drawn"));
    }
}
