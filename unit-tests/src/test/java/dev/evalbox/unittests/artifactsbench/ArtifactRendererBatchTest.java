package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many pages in flight in one browser: every page keeps its own outcome and its screenshots 1 s apart. */
@Tag("chromium")
class ArtifactRendererBatchTest {
    private static ArtifactRenderer.Settings settings(int pagesInFlight, Duration timeout) {
        ChromiumRequired.check();
        return new ArtifactRenderer.Settings(Path.of("/usr/bin/chromium"), 640, 480, 3, Duration.ofSeconds(1), timeout, pagesInFlight);
    }

    /** The times a page's screenshots were written, from their files. */
    private static List<Long> shotMillis(ArtifactRenderer.Rendering rendering) throws Exception {
        List<Long> times = new ArrayList<>();
        for (Path shot : rendering.screenshots()) times.add(Files.getLastModifiedTime(shot).toMillis());
        return times;
    }

    @Test
    void mixedPagesInFlightTogetherEachGetTheirOwnOutcome(@TempDir Path dir) throws Exception {
        List<ArtifactRenderer.Job> jobs = List.of(
                new ArtifactRenderer.Job("<html><body style='background:#00c'><h1>plain</h1></body></html>", dir, "plain"),
                new ArtifactRenderer.Job("<html><body style='margin:0'><div id='box' style='width:200px;height:200px;background:#c00'></div>"
                        + "<script>let x=0;setInterval(()=>{x+=40;box.style.marginLeft=x+'px';},100);</script></body></html>", dir, "animated"),
                new ArtifactRenderer.Job("<html><body><script>while(true){}</script></body></html>", dir, "loop"),
                new ArtifactRenderer.Job("<html><body><p>hi</p><script>alert('hello there')</script></body></html>", dir, "alert"),
                new ArtifactRenderer.Job("<html><body style='margin:0;background:#0c0'><h1>mine</h1>"
                        + "<script>setTimeout(()=>{location.href='http://127.0.0.1:1/elsewhere';},50)</script></body></html>", dir, "away"),
                new ArtifactRenderer.Job("<html><body><script>const keep=[];"
                        + "while(true){keep.push(new Array(1<<22).fill(Math.random()));}</script></body></html>", dir, "crash"),
                new ArtifactRenderer.Job("<html><head><script src='http://127.0.0.1:9/lib/chart.js'></script></head>"
                        + "<body><p>offline</p></body></html>", dir, "cdn"),
                new ArtifactRenderer.Job("<html><body style='background:#cc0'><h1>last</h1></body></html>", dir, "last"));
        List<ArtifactRenderer.Rendering> r;
        try (ArtifactRenderer renderer = new ArtifactRenderer(settings(8, Duration.ofSeconds(8)))) {
            r = renderer.renderAll(jobs);
        }
        assertEquals(jobs.size(), r.size());
        for (int i : new int[] {0, 1, 3, 6, 7}) {
            assertTrue(r.get(i).ok(), jobs.get(i).name() + ": " + r.get(i));
            assertEquals(3, r.get(i).screenshots().size(), jobs.get(i).name());
        }
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(r.get(1).screenshots().get(0)), Files.readAllBytes(r.get(1).screenshots().get(2))),
                "the animation moved between its first and last screenshot");
        assertEquals("timeout", r.get(2).outcome(), r.get(2).toString());
        assertEquals(List.of("alert: hello there"), r.get(3).dialogs());
        assertEquals("navigation_blocked", r.get(4).outcome(), r.get(4).toString());
        assertEquals(List.of("http://127.0.0.1:1/elsewhere"), r.get(4).navigations());
        assertEquals(3, r.get(4).screenshots().size());
        assertEquals(0x00cc00, ImageIO.read(r.get(4).screenshots().get(2).toFile()).getRGB(5, 300) & 0xffffff, "the answer's page stayed on screen");
        assertEquals("crashed", r.get(5).outcome(), r.get(5).toString());
        assertEquals(List.of("http://127.0.0.1:9/lib/chart.js"), r.get(6).blockedRequests());
        for (ArtifactRenderer.Rendering rendering : r) {
            List<Long> times = shotMillis(rendering);
            for (int i = 1; i < times.size(); i++) {
                assertTrue(times.get(i) - times.get(i - 1) >= 900, "screenshots 1 s apart within a page: " + times + " " + rendering);
            }
        }
    }

    @Test
    void fiftyPagesEightInFlightAreAllRenderedWithTheirOwnScreenshots(@TempDir Path dir) throws Exception {
        List<ArtifactRenderer.Job> jobs = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String colour = String.format("#%02x%02x%02x", 40 + i * 4, 250 - i * 4, (i * 37) % 256);
            jobs.add(new ArtifactRenderer.Job("<html><body style='margin:0;background:" + colour + "'><h1>page " + i + "</h1></body></html>",
                    dir.resolve(Integer.toString(i)), "page"));
        }
        ArtifactRenderer.Settings fast = new ArtifactRenderer.Settings(Path.of("/usr/bin/chromium"), 400, 300, 3, Duration.ofMillis(200),
                Duration.ofSeconds(60), 8);
        ChromiumRequired.check();
        List<ArtifactRenderer.Rendering> r;
        try (ArtifactRenderer renderer = new ArtifactRenderer(fast)) {
            r = renderer.renderAll(jobs);
        }
        Set<Integer> backgrounds = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            assertTrue(r.get(i).ok(), i + ": " + r.get(i));
            assertEquals(3, r.get(i).screenshots().size());
            assertEquals(dir.resolve(i + "/page_3.png"), r.get(i).screenshots().get(2));
            List<Long> times = shotMillis(r.get(i));
            assertTrue(times.get(2) - times.get(0) >= 360, "two 200 ms waits between a page's first and last screenshot: " + times);
            backgrounds.add(ImageIO.read(r.get(i).screenshots().get(0).toFile()).getRGB(390, 290));
        }
        assertEquals(50, backgrounds.size(), "each page's screenshot shows its own background colour");
    }

    @Test
    void pagesAreTakenAsTheyComeAndReportedAsTheyFinish(@TempDir Path dir) {
        ArrayList<String> queue = new ArrayList<>(List.of("a", "b", "c", "d", "e"));
        List<String> finished = new ArrayList<>();
        try (ArtifactRenderer renderer = new ArtifactRenderer(settings(2, Duration.ofSeconds(30)).withViewport("320x240"))) {
            renderer.renderAll(() -> queue.isEmpty() ? null : new ArtifactRenderer.Job("<html><body>" + queue.get(0) + "</body></html>", dir,
                    queue.remove(0)), (job, rendering) -> {
                        assertTrue(rendering.ok(), rendering.toString());
                        finished.add(job.name());
                    });
        }
        assertEquals(Set.of("a", "b", "c", "d", "e"), new HashSet<>(finished));
    }
}
