package dev.evalbox.cli.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.evalbox.unittests.report.ChromiumRequired;
import dev.evalbox.unittests.view.RunIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer in real headless Chromium: filter counts against the run's own rows, a live update while
 * a run is written, the task page and its keyboard navigation, the static bundle from file://, hostile
 * model content, and requests that try to leave the served folder.
 */
@Tag("chromium")
class ViewerChromiumTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASKS = 300;

    @TempDir
    static Path dir;
    static Path runs;
    static ViewServer server;
    static Browser browser;
    static GeneratedRun.Counts counts;

    @BeforeAll
    static void start() throws Exception {
        ChromiumRequired.check();
        runs = dir.resolve("runs");
        counts = GeneratedRun.write(runs.resolve("generated"), TASKS, 3);
        HostileRun.write(runs.resolve("hostile"));
        Files.writeString(dir.resolve("secret.txt"), "outside the served folder");
        server = ViewServer.start(runs, "127.0.0.1", 0);
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (server != null) server.close();
    }

    static String key(String runName) {
        return server.runs().entrySet().stream().filter(e -> e.getValue().dir().getFileName().toString().equals(runName))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    private static int count(Page page) {
        return Integer.parseInt(page.getAttribute("#task-count", "data-count"));
    }

    private static void change(Page page, Runnable action) {
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        action.run();
        Browser.rendered(page, "evalbox-filter");
    }

    @Test
    void filtersGiveTheRightCounts() throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(runs.resolve("generated/results.jsonl"))) rows.add(JSON.readTree(line));
        Page page = browser.page();
        page.navigate(server.url() + "#/run/" + key("generated"));
        Browser.rendered(page, "evalbox-run");
        assertEquals(TASKS, count(page));
        assertEquals(200, page.locator("#tasks tbody tr").count(), "the first 200 rows are drawn, the rest on demand");
        change(page, () -> page.selectOption("#filter-status", "failed"));
        assertEquals(counts.failed(), count(page));
        assertEquals(counts.failed(), rows.stream().filter(r -> !r.path("passed").asBoolean() && !r.has("stop_reason")).count());
        assertEquals(Math.min(200, counts.failed()), page.locator("#tasks tbody tr[data-status='failed']").count());
        change(page, () -> page.selectOption("#filter-difficulty", "hard"));
        long failedHard = rows.stream().filter(r -> !r.path("passed").asBoolean() && !r.has("stop_reason")
                && r.path("difficulty").asText().equals("hard")).count();
        assertEquals(failedHard, count(page));
        change(page, () -> page.selectOption("#filter-status", ""));
        change(page, () -> page.selectOption("#filter-difficulty", ""));
        change(page, () -> page.selectOption("#filter-category", GeneratedRun.CATEGORIES[2]));
        assertEquals(counts.byCategory()[2], count(page));
        change(page, () -> page.selectOption("#filter-category", ""));
        change(page, () -> page.fill("#filter-text", "g29"));
        assertEquals(rows.stream().filter(r -> r.path("task_id").asText().contains("g29")).count(), count(page));
        change(page, () -> page.fill("#filter-text", "row 3"));
        assertEquals(rows.stream().filter(r -> r.path("reason").asText().contains("row 3")).count(), count(page), "free text covers the reason");
        change(page, () -> page.fill("#filter-text", "table 123 is"));
        assertEquals(1, count(page), "free text covers the final answer");
        assertEquals(String.valueOf(counts.error()), page.textContent("[data-metric='error'] b"));
        assertEquals(GeneratedRun.CATEGORIES.length, page.locator("#by-category .bar").count(), "a bar per category");
    }

    @Test
    void aRunBeingWrittenUpdatesLive() throws Exception {
        Path live = runs.resolve("live");
        Files.createDirectories(live);
        Files.writeString(live.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"pybench\",\"status\":\"running\","
                + "\"started\":\"2026-12-03T10:00:00Z\",\"dataset\":{\"tasks\":3},\"model\":{\"name\":\"live-model\"}}");
        Files.writeString(live.resolve("results.jsonl"), row("live-1", true));
        Page runsPage = browser.page();
        runsPage.navigate(server.url());
        Browser.rendered(runsPage, "evalbox-runs");
        String key = key("live");
        assertEquals("1 of 3", runsPage.textContent("tr[data-key='" + key + "'] td.done"));
        Page runPage = browser.page();
        runPage.navigate(server.url() + "#/run/" + key);
        Browser.rendered(runPage, "evalbox-run");
        assertEquals(1, count(runPage));

        Files.writeString(live.resolve("results.jsonl"), row("live-2", false), StandardOpenOption.APPEND);
        // no reload: the pages poll the server, which reads what the file gained
        runPage.waitForSelector("#tasks tr[data-task='live-2']", new Page.WaitForSelectorOptions().setTimeout(60_000));
        assertEquals(2, count(runPage));
        runsPage.waitForSelector("tr[data-key='" + key + "'] td.done:text-is('2 of 3')", new Page.WaitForSelectorOptions().setTimeout(60_000));
        Files.writeString(live.resolve("run.json"), Files.readString(live.resolve("run.json")).replace("running", "finished"));
        runsPage.waitForSelector("tr[data-key='" + key + "'] .badge.finished", new Page.WaitForSelectorOptions().setTimeout(60_000));
    }

    private static String row(String task, boolean passed) {
        return "{\"task_id\":\"" + task + "\",\"epoch\":1,\"sample\":0,\"passed\":" + passed + ",\"reason\":\"" + (passed ? "" : "wrong") + "\"}\n";
    }

    @Test
    void theTaskPageShowsTheAttemptAndGoesToTheNextFailure() throws Exception {
        String key = key("generated");
        RunIndex index = server.runs().get(key);
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(runs.resolve("generated/results.jsonl"))) rows.add(JSON.readTree(line));
        List<Integer> failing = new ArrayList<>();
        for (JsonNode r : rows) if (!r.path("passed").asBoolean()) failing.add(index.taskNumber(r.path("task_id").asText()));
        Page page = browser.page();
        page.navigate(server.url() + "#/run/" + key + "/task/" + failing.get(0));
        Browser.rendered(page, "evalbox-task");
        JsonNode first = rows.get(failing.get(0));
        assertEquals("task " + first.path("task_id").asText(), page.textContent("#task-title"));
        assertTrue(page.textContent(".verdicts").contains(first.path("reason").asText()), "the grader's reason");
        assertEquals(3, page.locator(".cell").count(), "a cell per turn");
        assertEquals(3, page.locator(".msg.assistant .meta").count(), "each model turn with tokens and latency");
        assertTrue(page.textContent(".msg.assistant .meta").contains("completion tokens"));
        assertTrue((Boolean) page.evaluate("() => [...document.querySelectorAll('.cell img.output')].every(i => i.complete && i.naturalWidth === 64)"),
                "each cell's figure is shown");
        assertTrue(page.textContent(".final-answer").contains("Finished: the mean of table"));
        assertTrue(page.textContent("#sandbox-command").startsWith("%sandbox open --task " + first.path("task_id").asText() + " --run "));
        byte[] shot = page.screenshot(new Page.ScreenshotOptions().setFullPage(true));
        assertTrue(Browser.colours(shot) > 50, "a rendered transcript, not a blank page");
        assertTrue(Browser.hasColour(shot, 0x0f172a), "the code cells' dark background is on screen");
        assertTrue(Browser.hasColour(shot, 0x3b82f6), "the figures' blue is on screen");

        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        page.keyboard().press("n");
        Browser.rendered(page, "evalbox-task");
        assertTrue(page.url().endsWith("/task/" + failing.get(1)), page.url());
        page.keyboard().press("p");
        page.waitForURL("**/task/" + failing.get(0));
    }

    @Test
    void theBundleOpensFromFile() throws Exception {
        Path site = dir.resolve("site");
        ViewBundle.Written written = ViewBundle.write(runs.resolve("generated"), site);
        assertEquals(TASKS, written.tasks());
        Page page = browser.page();
        page.navigate(site.resolve("index.html").toUri().toString());
        Browser.rendered(page, "evalbox-runs");
        assertEquals("static bundle", page.textContent("#live"));
        assertEquals(1, page.locator("#runs tbody tr").count());
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        page.click("#runs tbody a");
        Browser.rendered(page, "evalbox-run");
        assertEquals(TASKS, count(page));
        change(page, () -> page.selectOption("#filter-status", "error"));
        assertEquals(counts.error(), count(page));
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        page.click("#tasks tbody a");
        Browser.rendered(page, "evalbox-task");
        assertTrue(page.url().startsWith("file:"), page.url());
        assertEquals(3, page.locator(".cell").count());
    }

    @Test
    void modelContentIsTextAndItsPageCannotReachTheViewer() throws Exception {
        String key = key("hostile");
        Page page = browser.page();
        List<String> dialogs = new CopyOnWriteArrayList<>();
        page.onDialog(d -> {
            dialogs.add(d.message());
            d.dismiss();
        });
        page.navigate(server.url() + "#/run/" + key);
        Browser.rendered(page, "evalbox-run");
        assertEquals(HostileRun.ID, page.textContent("#tasks tbody tr[data-status='failed'] td a"), "the hostile id is shown as text");
        assertTrue(page.textContent("#tasks").contains(HostileRun.REASON));
        int number = server.runs().get(key).taskNumber(HostileRun.ID);
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        page.navigate(server.url() + "#/run/" + key + "/task/" + number);
        Browser.rendered(page, "evalbox-task");
        assertTrue(page.textContent("#transcript").contains(HostileRun.ANSWER), "the answer's markup is text");
        assertTrue(page.textContent("#transcript").contains("<script>"));
        assertEquals(0, page.locator("#transcript script, #transcript a[href^='javascript']").count());
        assertEquals(0, page.locator("#transcript img:not([src^='data:']):not([src^='files/'])").count(), "no image the model named");

        int page2 = server.runs().get(key).taskNumber("page");
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        page.navigate(server.url() + "#/run/" + key + "/task/" + page2);
        Browser.rendered(page, "evalbox-task");
        assertEquals("allow-scripts", page.getAttribute("iframe.model-page", "sandbox"));
        assertTrue(page.getAttribute("iframe.model-page", "src").endsWith("page.html"));
        // The frame loads after the task view has rendered: wait until the page's own script has written its verdict.
        Locator verdict = page.frameLocator("iframe.model-page").locator("#verdict");
        verdict.filter(new Locator.FilterOptions().setHasNotText("waiting")).waitFor();
        assertTrue(verdict.textContent().startsWith("blocked"), "the model's page ran, and reaching the viewer failed: " + verdict.textContent());
        assertNull(page.evaluate("() => window.pwned"));
        assertNull(page.getAttribute("body", "data-pwned"));
        assertEquals(List.of(), dialogs);
    }

    @Test
    void nothingOutsideTheServedFolderIsReachable() throws Exception {
        String key = key("hostile");
        int port = server.port();
        assertEquals(200, Browser.status(Browser.raw(port, "/files/" + key + "/artifacts/page/notes.txt")), "the route serves the run's files");
        for (String path : List.of("/files/" + key + "/../../secret.txt", "/files/" + key + "/%2e%2e/%2e%2e/secret.txt",
                "/files/" + key + "/..%2f..%2fsecret.txt", "/files/" + key + "/%2fetc%2fpasswd", "/files/" + key + "//etc/passwd",
                "/files/" + key + "/artifacts/page/outside.txt", "/files/" + key + "/artifacts/page/outside-dir/secret.txt",
                "/files/" + key + "/artifacts/page/%252e%252e/x", "/../secret.txt", "/data/run/..%2f..%2fsecret.js",
                "/files/000000000000/run.json", "/etc/passwd", "/assets/../../secret.txt")) {
            String response = Browser.raw(port, path);
            assertNotEquals(200, Browser.status(response), path + " answered: " + response);
            assertFalse(response.contains("outside the served folder") || response.contains("root:"), path);
        }
        String html = Browser.raw(port, "/data/task/" + key + "/" + server.runs().get(key).taskNumber("page") + ".js");
        assertTrue(html.contains("notes.txt") && !html.contains("outside.txt"), "symbolic links are not listed: " + html);
        assertEquals(421, Browser.status(Browser.raw(port, "/data/runs.js", "Host: attacker.example:" + port)), "another host name is refused");
        String file = Browser.raw(port, "/files/" + key + "/artifacts/page/page.html");
        assertTrue(file.toLowerCase().contains("content-security-policy: sandbox allow-scripts"), file);
    }

    @Test
    void anotherAddressNeedsTheToken() throws Exception {
        try (ViewServer open = ViewServer.start(runs, "0.0.0.0", 0)) {
            String token = open.token().orElseThrow();
            assertTrue(open.url().endsWith("/?token=" + token));
            assertEquals(403, Browser.status(Browser.raw(open.port(), "/data/runs.js")));
            assertEquals(403, Browser.status(Browser.raw(open.port(), "/data/runs.js?token=" + token.substring(1) + "0")));
            String first = Browser.raw(open.port(), "/?token=" + token);
            assertEquals(200, Browser.status(first));
            assertTrue(first.toLowerCase().contains("set-cookie: evalbox_token=" + token), first);
            assertEquals(200, Browser.status(Browser.raw(open.port(), "/data/runs.js", "Cookie: evalbox_token=" + token)));
        }
        try (ViewServer loopback = ViewServer.start(runs, "127.0.0.1", 0)) {
            assertTrue(loopback.token().isEmpty(), "loopback needs no token");
        }
    }
}
