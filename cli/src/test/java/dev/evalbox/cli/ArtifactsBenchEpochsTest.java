package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `run artifactsbench --epochs`: a later epoch asks the model again (its answer is not epoch 1's from answers.jsonl,
 * even on --resume), keeps its replies in answers-epoch-N.jsonl, and the mean score is over each task's epochs.
 */
@Tag("chromium")
class ArtifactsBenchEpochsTest {

    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    @Test
    void aSecondEpochAddedOnResumeIsGeneratedAndJudgedAgain(@TempDir Path dir) throws Exception {
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, "{\"index\": 11, \"question\": \"Draw a blue page.\", \"class\": \"Web Applications-X\", \"difficulty\": \"easy\","
                + " \"checklist\": [{\"id\": 0, \"title\": \"Blue\", \"description\": \"d\", \"maxScore\": 100}]}\n");
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("```html\n<html><body style='background:#00f'>one</body></html>\n```"), Step.reply("{\"Overall Score\": \"80\"}"));
            CommandRunner.Result first = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--judge", "judge", "--concurrency", "1", "--out", run.toString());
            assertEquals(0, first.exitCode(), first.err());

            server.then(Step.reply("```html\n<html><body style='background:#0f0'>two</body></html>\n```"), Step.reply("{\"Overall Score\": \"40\"}"));
            CommandRunner.Result second = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--judge", "judge", "--concurrency", "1", "--epochs", "2", "--resume", "--out", run.toString());
            assertEquals(0, second.exitCode(), second.err());
            assertEquals(4, server.received().size(), "epoch 2 asked the model and the judge again");
        }
        assertEquals(1, Files.readAllLines(run.resolve("answers.jsonl")).size(), "answers.jsonl is epoch 1's, in the reference's format");
        assertTrue(Files.readString(run.resolve("answers-epoch-2.jsonl")).contains("two"));
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals(60.0, metrics.path("mean_score").asDouble(), 1e-9, "the task's mean over its two epochs");
        assertEquals(2, metrics.path("epochs").path("count").asInt());
        assertTrue(metrics.path("epochs").path("pass@k").isMissingNode(), "no pass@k for scores");
        assertEquals(2, metrics.path("uncertainty").path("metrics").path("/mean_score").path("attempts").asInt());
        assertTrue(Files.isDirectory(run.resolve("artifacts/11/epoch-2")), "epoch 2's screenshots apart");
    }

    /** A real 2-epoch run of one task: epoch 1 draws a blue page (judged 80), epoch 2 a green one (judged 40). */
    private static Path twoEpochRun(Path dir) throws Exception {
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, "{\"index\": 11, \"question\": \"Draw a page.\", \"class\": \"Web Applications-X\", \"difficulty\": \"easy\","
                + " \"checklist\": [{\"id\": 0, \"title\": \"Page\", \"description\": \"d\", \"maxScore\": 100}]}\n");
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("```html\n<html><body style='background:#00f'>one-blue</body></html>\n```"), Step.reply("{\"Overall Score\": \"80\"}"));
            CommandRunner.Result first = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--judge", "judge", "--concurrency", "1", "--out", run.toString());
            assertEquals(0, first.exitCode(), first.err());
            server.then(Step.reply("```html\n<html><body style='background:#0f0'>two-green</body></html>\n```"), Step.reply("{\"Overall Score\": \"40\"}"));
            CommandRunner.Result second = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--judge", "judge", "--concurrency", "1", "--epochs", "2", "--resume", "--out", run.toString());
            assertEquals(0, second.exitCode(), second.err());
        }
        return run;
    }

    /** report.html of a 2-epoch run, opened in Chromium: each epoch's row shows that epoch's own page, screenshots and answer. */
    @Test
    void eachEpochsRowInTheReportShowsItsOwnPageAndScreenshots(@TempDir Path dir) throws Exception {
        Path run = twoEpochRun(dir);
        Path report = run.resolve("report.html");
        assertTrue(Files.isRegularFile(report), "the run wrote its report");
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true)
                     .setExecutablePath(ChromiumRequired.CHROMIUM).setArgs(List.of("--no-sandbox", "--disable-gpu")))) {
            Page page = browser.newPage();
            page.navigate(report.toUri() + "#task-11-epoch-2");
            assertEquals(List.of("task-11", "task-11-epoch-2"), page.evaluate("Array.from(document.querySelectorAll('details.task')).map(d => d.id)"),
                    "a row per attempt, epoch 1 first");
            assertEquals(Boolean.TRUE, page.evaluate("document.getElementById('task-11-epoch-2').open"), "#task-11-epoch-2 opens epoch 2's row");
            assertTrue(page.textContent("#mean-score").startsWith("60.0 mean judge score"), "the task's mean over its epochs: " + page.textContent("#mean-score"));

            for (int epoch = 1; epoch <= 2; epoch++) {
                String row = epoch == 1 ? "#task-11" : "#task-11-epoch-2";
                String folder = epoch == 1 ? "artifacts/11/" : "artifacts/11/epoch-2/";
                String pageLink = (String) page.evaluate("r => document.querySelector(r + ' p.outcome a').getAttribute('href')", row);
                assertEquals(folder + "page.html", pageLink, "epoch " + epoch + "'s row links its own page");
                assertTrue(Files.readString(run.resolve(pageLink)).contains(epoch == 1 ? "one-blue" : "two-green"), pageLink);
                List<?> shots = (List<?>) page.evaluate("r => Array.from(document.querySelectorAll(r + ' img.shot')).map(i => i.getAttribute('src'))", row);
                assertFalse(shots.isEmpty(), "epoch " + epoch + " has screenshots");
                for (Object shot : shots) {
                    assertTrue(((String) shot).startsWith(folder) && !((String) shot).substring(folder.length()).contains("/"),
                            "epoch " + epoch + "'s screenshot is from its own folder: " + shot);
                }
                List<?> widths = (List<?>) page.evaluate("r => Array.from(document.querySelectorAll(r + ' img.shot')).map(i => i.complete ? i.naturalWidth : 0)", row);
                for (Object width : widths) assertTrue(((Number) width).intValue() > 0, "every screenshot of epoch " + epoch + " loaded: " + widths);
                assertTrue(page.textContent(row + " summary").contains(epoch == 1 ? "80" : "40"), "epoch " + epoch + "'s own score");
                String answer = page.textContent(row + " .body > details pre.text");
                assertTrue(answer.contains(epoch == 1 ? "one-blue" : "two-green"), "epoch " + epoch + "'s own answer: " + answer);
            }
            assertNotEquals(-1L, Files.mismatch(run.resolve("artifacts/11/page_1.png"), run.resolve("artifacts/11/epoch-2/page_1.png")),
                    "a blue page and a green page were shot apart");
        }
    }

    /**
     * `grade artifactsbench --from RUN` of a 2-epoch run judges each attempt again: epoch 1's answer with epoch 1's
     * screenshots, epoch 2's with epoch 2's, rendering nothing and asking the new judge only.
     */
    @Test
    void reJudgingAnEpochsRunShowsEachAttemptsOwnAnswerAndScreenshots(@TempDir Path dir) throws Exception {
        Path run = twoEpochRun(dir);
        Path rejudged = dir.resolve("rejudged");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("{\"Overall Score\": \"90\"}"), Step.reply("{\"Overall Score\": \"30\"}"));
            CommandRunner.Result result = CommandRunner.run("grade", "artifactsbench", "--from", run.toString(), "--judge", "j2",
                    "--judge-base-url", server.baseUrl(), "--concurrency", "1", "--out", rejudged.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertEquals(2, server.received().size(), "one judge call per attempt, and nothing else");
            for (int epoch = 1; epoch <= 2; epoch++) {
                JsonNode content = server.received().get(epoch - 1).body().path("messages").get(0).path("content");
                assertEquals("j2", server.received().get(epoch - 1).body().path("model").asText());
                assertTrue(content.get(0).path("text").asText().contains(epoch == 1 ? "one-blue" : "two-green"),
                        "epoch " + epoch + "'s own answer is judged");
                String folder = epoch == 1 ? "artifacts/11/" : "artifacts/11/epoch-2/";
                for (int i = 1; i < content.size(); i++) {
                    String url = content.get(i).path("image_url").path("url").asText();
                    assertArrayEquals(Files.readAllBytes(run.resolve(folder + "page_" + i + ".png")),
                            Base64.getDecoder().decode(url.substring(url.indexOf(',') + 1)), "epoch " + epoch + "'s own screenshot " + i);
                }
            }
        }
        Map<Integer, JsonNode> rows = new java.util.TreeMap<>();
        RunDirectory.readResults(rejudged).forEach(r -> rows.put(r.path("epoch").asInt(), r));
        assertEquals(List.of(1, 2), List.copyOf(rows.keySet()));
        assertEquals(90.0, rows.get(1).path("score").asDouble());
        assertEquals(30.0, rows.get(2).path("score").asDouble());
        assertTrue(rows.get(2).path("screenshots").get(0).asText().startsWith("artifacts/11/epoch-2/"), rows.get(2).toString());
        assertTrue(Files.isRegularFile(rejudged.resolve(rows.get(2).path("screenshots").get(0).asText())), "copied into the new run");
        JsonNode metrics = new ObjectMapper().readTree(rejudged.resolve("metrics.json").toFile());
        assertEquals(60.0, metrics.path("mean_score").asDouble(), 1e-9);
    }
}
