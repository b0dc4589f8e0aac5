package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.unittests.report.ChromiumRequired;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real rendering in headless Chromium: animated, SVG, alerting, looping, CDN-only, navigating and crashing
 * pages with one browser for all, and 50 pages of 12 tasks at once sharing browsers of 4 pages each.
 */
@Tag("chromium")
class ArtifactRendererTest {
    private static ArtifactRenderer renderer;

    @BeforeAll
    static void start() {
        ChromiumRequired.check();
        renderer = new ArtifactRenderer(new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 800, 600, 3,
                Duration.ofMillis(300), Duration.ofSeconds(5)));
    }

    @AfterAll
    static void stop() {
        if (renderer != null) renderer.close();
    }

    private static int distinctColours(Path png) throws Exception {
        BufferedImage image = ImageIO.read(png.toFile());
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) for (int x = 0; x < image.getWidth(); x += 7) colours.add(image.getRGB(x, y));
        return colours.size();
    }

    @Test
    void anAnimatedPageGivesThreeFullPageScreenshots(@TempDir Path dir) throws Exception {
        String html = "<html><body style='margin:0'><div id='box' style='width:200px;height:200px;background:#c00'></div>"
                + "<script>let x=0;setInterval(()=>{x+=40;box.style.marginLeft=x+'px';},100);</script></body></html>";
        ArtifactRenderer.Rendering rendering = renderer.render(html, dir, "page");
        assertTrue(rendering.ok(), rendering.error());
        assertEquals(3, rendering.screenshots().size());
        BufferedImage first = ImageIO.read(rendering.screenshots().get(0).toFile());
        assertEquals(800, first.getWidth());
        assertTrue(distinctColours(rendering.screenshots().get(0)) >= 2, "the red box is drawn");
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(rendering.screenshots().get(0)), Files.readAllBytes(rendering.screenshots().get(2))),
                "the animation moved between the first and the last screenshot");
    }

    @Test
    void anSvgAnswerIsRenderedAsThePage(@TempDir Path dir) throws Exception {
        ArtifactPage page = ArtifactPage.of("Here: <svg xmlns='http://www.w3.org/2000/svg' width='300' height='200'>"
                + "<rect width='300' height='200' fill='#0a0'/><circle cx='150' cy='100' r='60' fill='#fc0'/></svg>").orElseThrow();
        ArtifactRenderer.Rendering rendering = renderer.render(page.html(), dir, "svg");
        assertTrue(rendering.ok(), rendering.error());
        assertTrue(distinctColours(rendering.screenshots().get(0)) >= 3, "green, yellow and the background");
    }

    @Test
    void alertsAreDismissedAndRecorded(@TempDir Path dir) {
        ArtifactRenderer.Rendering rendering = renderer.render("<html><body><p>hi</p><script>alert('hello there')</script></body></html>", dir, "alert");
        assertTrue(rendering.ok(), rendering.error());
        assertEquals(List.of("alert: hello there"), rendering.dialogs());
    }

    @Test
    void anEndlessLoopIsATimeoutAndTheBrowserGoesOn(@TempDir Path dir) {
        ArtifactRenderer.Rendering stuck = renderer.render("<html><body><script>while(true){}</script></body></html>", dir, "loop");
        assertEquals("timeout", stuck.outcome(), stuck.error());
        ArtifactRenderer.Rendering next = renderer.render("<html><body><h1>after</h1></body></html>", dir, "after");
        assertTrue(next.ok(), "the same browser renders the next page: " + next.error());
    }

    @Test
    void requestsBeyondThePageAreBlockedAndRecorded(@TempDir Path dir) {
        ArtifactRenderer.Rendering rendering = renderer.render("<html><head><script src='http://127.0.0.1:9/lib/chart.js'></script></head>"
                + "<body><img src='http://127.0.0.1:9/pic.png'><p>offline</p></body></html>", dir, "cdn");
        assertTrue(rendering.ok(), rendering.error());
        assertTrue(rendering.blockedRequests().contains("http://127.0.0.1:9/lib/chart.js"), rendering.blockedRequests().toString());
        assertTrue(rendering.blockedRequests().contains("http://127.0.0.1:9/pic.png"), rendering.blockedRequests().toString());
    }

    @Test
    void aPageThatNavigatesAwayStaysOnScreenAndTheAttemptIsRecorded(@TempDir Path dir) throws Exception {
        ArtifactRenderer.Rendering rendering = renderer.render("<html><body style='margin:0;background:#0c0'><h1>mine</h1>"
                + "<script>setTimeout(()=>{location.href='http://127.0.0.1:1/elsewhere';},50)</script></body></html>", dir, "away");
        assertEquals("navigation_blocked", rendering.outcome(), rendering.error());
        assertEquals(List.of("http://127.0.0.1:1/elsewhere"), rendering.navigations());
        assertEquals(3, rendering.screenshots().size());
        int corner = ImageIO.read(rendering.screenshots().get(2).toFile()).getRGB(5, 300) & 0xffffff;
        assertEquals(0x00cc00, corner, "the last screenshot still shows the answer's green page, not an error page");
    }

    @Test
    void formSubmissionsAndPopupsAreStoppedToo(@TempDir Path dir) {
        ArtifactRenderer.Rendering rendering = renderer.render("<html><body><form id=f action='http://127.0.0.1:1/submit'><input name=q value=1></form>"
                + "<script>window.open('http://127.0.0.1:1/popup');f.submit();</script></body></html>", dir, "form");
        assertEquals("navigation_blocked", rendering.outcome(), rendering.error());
        assertTrue(rendering.navigations().contains("http://127.0.0.1:1/submit?q=1"), rendering.navigations().toString());
        assertTrue(rendering.navigations().stream().anyMatch(n -> n.startsWith("popup: ")), rendering.navigations().toString());
        assertEquals(3, rendering.screenshots().size());
    }

    @Test
    void aPageThatExhaustsItsMemoryCrashesItsRendererAndTheBrowserGoesOn(@TempDir Path dir) {
        // A page time of its own, far beyond what the crash takes: on a loaded machine V8's last-resort collections
        // before the out-of-memory crash took more than the shared renderer's 5 s (+5 s to measure), which made it a
        // timeout. The crash ends the page as soon as it happens, so a quiet machine does not wait for this limit.
        try (ArtifactRenderer patient = new ArtifactRenderer(new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 800, 600, 3,
                Duration.ofMillis(300), Duration.ofSeconds(90)))) {
            ArtifactRenderer.Rendering crashed = patient.render("<html><body><script>const keep=[];"
                    + "while(true){keep.push(new Array(1<<22).fill(Math.random()));}</script></body></html>", dir, "crash");
            assertEquals("crashed", crashed.outcome(), crashed.error());
            ArtifactRenderer.Rendering next = patient.render("<html><body><h1>after the crash</h1></body></html>", dir, "next");
            assertTrue(next.ok(), "the same renderer renders the next page: " + next.error());
            assertEquals(3, next.screenshots().size());
        }
    }

    @Test
    void fiftyPagesOfTwelveTasksAtOnceShareThreeBrowsersAndAllGetTheirOwnScreenshots(@TempDir Path dir) throws Exception {
        List<ArtifactsAnswer> items = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String colour = String.format("#%02x%02x%02x", 40 + i * 4, 250 - i * 4, (i * 37) % 256);
            String answer = "<html><body style='margin:0;background:" + colour + "'><h1>page " + i + "</h1></body></html>";
            items.add(new ArtifactsAnswer(new ArtifactsTask(Integer.toString(i), "page " + i, List.of(), "Web-X", "easy"), answer));
        }
        java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> results = new java.util.concurrent.ConcurrentHashMap<>();
        ArtifactRenderer.Settings fast = new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 400, 300, 3, Duration.ofMillis(100),
                Duration.ofSeconds(60), 4);
        int browsers;
        try (dev.evalbox.unittests.RunDirectory run = dev.evalbox.unittests.RunDirectory.open(dir);
             RendererPool renderers = new RendererPool(fast)) {
            ArtifactsGrading grading = new ArtifactsGrading(renderers, null);
            // twelve tasks at once, as a run at --concurrency 12 grades them: each waits for its own page
            dev.evalbox.unittests.Workers.run(items, 12, item -> {
                var row = dev.evalbox.unittests.eval.EvalRunner.rowJson(item.task(), 1, grading.grade(item, dir, ArtifactsJudge.CallListener.NONE));
                run.appendResult(row);
                results.put(row.path("task_id").asText(), row);
            });
            browsers = renderers.browsers();
        }
        assertTrue(browsers >= 1 && browsers <= 3, "a browser for every 4 pages in flight at most, not one per task: " + browsers);
        assertEquals(50, results.size());
        java.util.Set<Integer> backgrounds = new java.util.HashSet<>();
        for (var r : results.values()) {
            assertEquals("ok", r.path("render_outcome").asText(), r.toString());
            assertEquals(3, r.path("screenshots").size(), r.toString());
            for (var shot : r.path("screenshots")) assertTrue(Files.isRegularFile(dir.resolve(shot.asText())), shot.asText());
            backgrounds.add(ImageIO.read(dir.resolve(r.path("screenshots").get(0).asText()).toFile()).getRGB(390, 290));
        }
        assertEquals(50, backgrounds.size(), "each page's screenshot shows its own background colour");
        assertEquals(50, dev.evalbox.unittests.RunDirectory.readResults(dir).size(), "every page has its line in results.jsonl");
    }
}
