package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The renderer pool without a browser to start: the failure reaches every page asked for, with its reason. */
class RendererPoolTest {
    @Test
    void aBrowserThatCannotStartFailsThePageAskedForAndEveryLaterOne(@TempDir Path dir) {
        ArtifactRenderer.Settings nowhere = new ArtifactRenderer.Settings(dir.resolve("no-chromium"), 400, 300, 3,
                Duration.ofMillis(100), Duration.ofSeconds(5));
        try (RendererPool pool = new RendererPool(nowhere)) {
            ArtifactRenderer.Job job = new ArtifactRenderer.Job("<html><body>x</body></html>", dir.resolve("artifacts/1"), "page");
            IllegalStateException first = assertThrows(IllegalStateException.class, () -> pool.render(job));
            assertTrue(first.getMessage().contains("Chromium is not at " + nowhere.chromium()), first.getMessage());
            IllegalStateException later = assertThrows(IllegalStateException.class, () -> pool.render(job));
            assertEquals(first.getMessage(), later.getMessage(), "the pool is broken for good: the run fails with the reason");
            assertEquals(1, pool.browsers(), "one browser was tried");
        }
    }
}
