package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.unittests.report.ChromiumRequired;
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
        return new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 640, 480, 3, Duration.ofSeconds(1), timeout, pagesInFlight);
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
        ArtifactRenderer.Settings fast = new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 400, 300, 3, Duration.ofMillis(200),
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

    /**
     * A page {@code height} px tall of 1000 px sections: each has a solid band of its own colour down its left edge
     * (what the test reads back) beside a gradient and text (what makes the PNG slow to encode, as real pages do).
     */
    private static String tallPage(int height, int seed) {
        StringBuilder html = new StringBuilder("<html><head><style>body{margin:0;font:18px/1.6 sans-serif}"
                + "section{height:1000px;overflow:hidden;box-sizing:border-box;padding:30px 30px 30px 60px}</style></head><body>");
        for (int i = 0; i < height / 1000; i++) {
            int hue = (i * 37 + seed * 11) % 360;
            html.append("<section style='border-left:40px solid ").append(band(i)).append(";background:linear-gradient(135deg,hsl(").append(hue)
                    .append(",70%,60%),hsl(").append((hue + 120) % 360).append(",70%,40%))'><h2>Section ").append(i).append("</h2><p>");
            for (int w = 0; w < 80; w++) html.append("word").append((i * 31 + w * 7 + seed) % 97).append(' ');
            html.append("</p></section>");
        }
        return html.append("</body></html>").toString();
    }

    private static String band(int section) {
        return String.format("#%02x%02x%02x", (section * 53) % 200 + 30, (section * 97) % 200 + 30, (section * 29) % 200 + 30);
    }

    /** The width, height and the left band's colour in each 1000 px section of a PNG, read a strip at a time. */
    private static List<Integer> sectionBands(Path png, int width, int height) throws Exception {
        try (var in = ImageIO.createImageInputStream(png.toFile())) {
            var reader = ImageIO.getImageReadersByFormatName("png").next();
            reader.setInput(in);
            assertEquals(width, reader.getWidth(0), png.toString());
            assertEquals(height, reader.getHeight(0), png.toString());
            var image = reader.read(0);
            List<Integer> bands = new ArrayList<>();
            for (int y = 500; y < height; y += 1000) bands.add(image.getRGB(20, y) & 0xffffff);
            return bands;
        }
    }

    @Test
    void aTwelveThousandPixelPageInBatchesOfPagesInFlightAlwaysGetsItsThreeWholeScreenshots(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        // what grading uses: 1280x720, 3 screenshots 1 s apart, 60 s a page, 8 pages in flight in one browser
        ArtifactRenderer.Settings grading = ArtifactRenderer.Settings.defaults();
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 12; i++) expected.add(Integer.parseInt(band(i).substring(1), 16));
        try (ArtifactRenderer renderer = new ArtifactRenderer(grading)) {
            for (int round = 0; round < 10; round++) {
                Path roundDir = dir.resolve("round" + round);
                List<ArtifactRenderer.Job> jobs = new ArrayList<>();
                // the tall page among animations, tools and SVGs, at a different place in each batch
                List<String> others = ArtifactsSample.pages(grading.pagesInFlight() - 1 + round).subList(round, round + grading.pagesInFlight() - 1);
                for (int i = 0; i < others.size(); i++) jobs.add(new ArtifactRenderer.Job(others.get(i), roundDir, "other" + i));
                int tallAt = round % grading.pagesInFlight();
                jobs.add(tallAt, new ArtifactRenderer.Job(tallPage(12_000, round), roundDir, "tall"));
                List<ArtifactRenderer.Rendering> r = renderer.renderAll(jobs);
                ArtifactRenderer.Rendering tall = r.get(tallAt);
                assertTrue(tall.ok(), "round " + round + ": " + tall);
                assertEquals(3, tall.screenshots().size(), "round " + round + ": " + tall);
                assertEquals("", tall.note(), "a 12,000 px page is captured whole");
                for (Path shot : tall.screenshots()) {
                    assertEquals(expected, sectionBands(shot, 1280, 12_000), "round " + round + ", " + shot.getFileName() + ": every section, top to bottom");
                }
                for (int i = 0; i < r.size(); i++) {
                    assertTrue(r.get(i).ok() && r.get(i).screenshots().size() == 3, "round " + round + ", " + jobs.get(i).name() + ": " + r.get(i));
                }
            }
        }
    }

    @Test
    void aTallPageWhoseLoadingUsedNearlyAllItsTimeStillGetsItsScreenshot(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        // its script holds the load event until 1.5 s before the page's 10 s are up; capturing 24,000 px takes longer
        // than that (and than the few seconds a page that loops is given), so the screenshot needs a time of its own
        ArtifactRenderer.Settings settings = new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 1280, 720, 1, Duration.ofSeconds(1),
                Duration.ofSeconds(10), 2);
        String slow = tallPage(24_000, 3).replace("</body>", "<script>const end = Date.now() + 8500; while (Date.now() < end) {}</script></body>");
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 24; i++) expected.add(Integer.parseInt(band(i).substring(1), 16));
        try (ArtifactRenderer renderer = new ArtifactRenderer(settings)) {
            ArtifactRenderer.Rendering r = renderer.render(slow, dir, "slow");
            assertTrue(r.ok(), r.toString());
            assertEquals(expected, sectionBands(r.screenshots().get(0), 1280, 24_000));
            ArtifactRenderer.Rendering loop = renderer.render("<html><body><script>while(true){}</script></body></html>", dir, "loop");
            assertEquals("timeout", loop.outcome(), "a page that loops still times out: " + loop);
        }
    }

    @Test
    void aPageBeyondTheCaptureLimitIsClippedTheSameWayEveryTimeAndSaysSo(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        // a narrow viewport keeps the capture cheap: a 320 px wide page 40,000 px tall, clipped at 32,768 px
        ArtifactRenderer.Settings narrow = ArtifactRenderer.Settings.defaults().withViewport("320x480");
        narrow = new ArtifactRenderer.Settings(narrow.chromium(), 320, 480, 1, narrow.interval(), narrow.timeout(), 2);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 32; i++) expected.add(Integer.parseInt(band(i).substring(1), 16));
        try (ArtifactRenderer renderer = new ArtifactRenderer(narrow)) {
            List<ArtifactRenderer.Rendering> r = renderer.renderAll(List.of(new ArtifactRenderer.Job(tallPage(40_000, 0), dir, "long"),
                    new ArtifactRenderer.Job(tallPage(40_000, 0), dir, "again")));
            for (ArtifactRenderer.Rendering rendering : r) {
                assertTrue(rendering.ok(), rendering.toString());
                assertEquals("the page is 320x40000 px: its screenshots show its top-left 320x32768 px (evalbox captures at most 32768 px each way"
                        + " and 41943040 px in all)", rendering.note());
                List<Integer> bands = sectionBands(rendering.screenshots().get(0), 320, ArtifactRenderer.MAX_CAPTURE_PX);
                assertEquals(expected, bands.subList(0, 32), "the top 32 sections, whole");
            }
        }
    }

    @Test
    void aScreenshotsClipAndTimeFollowThePagesArea() {
        ArtifactRenderer.Settings grading = ArtifactRenderer.Settings.defaults();
        assertEquals(new ArtifactRenderer.Capture(1280, 32_768, 60_000), ArtifactRenderer.Capture.of(1280, 720, grading), "a page the size of the viewport");
        ArtifactRenderer.Capture tall = ArtifactRenderer.Capture.of(1280, 12_000, grading);
        assertEquals(60_000 + 4_000 * (1280.0 * 12_000 - 1280 * 720) / 1e6, tall.timeout(), 1e-6, "4 s more per megapixel beyond the viewport");
        assertEquals(new ArtifactRenderer.Capture(32_768, 1280, 60_000 + 4_000 * (32_768.0 * 1280 - 1280 * 720) / 1e6),
                ArtifactRenderer.Capture.of(100_000, 100_000, grading), "a huge page: at most 32,768 px each way and 1280 x 32,768 px in all");
        assertEquals(ArtifactRenderer.Capture.of(1280, 32_768, grading).timeout(), ArtifactRenderer.Capture.of(1280, 500_000, grading).timeout(),
                "the time is for what is captured");
    }
}
