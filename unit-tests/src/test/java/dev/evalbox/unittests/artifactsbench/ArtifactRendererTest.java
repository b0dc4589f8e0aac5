package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real rendering in headless Chromium: ordinary, SVG, alerting, looping and CDN-only pages, one browser for all. */
@Tag("chromium")
class ArtifactRendererTest {
    private static ArtifactRenderer renderer;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            if ("1".equals(System.getenv("EVALBOX_REQUIRE_CHROMIUM"))) fail("Chromium is required but /usr/bin/chromium is missing");
            Assumptions.abort("skipping: /usr/bin/chromium is missing");
        }
        renderer = new ArtifactRenderer(new ArtifactRenderer.Settings(Path.of("/usr/bin/chromium"), 800, 600, 3,
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
}
