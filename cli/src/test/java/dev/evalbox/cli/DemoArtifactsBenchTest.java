package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import dev.evalbox.unittests.report.ChromiumRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo's ArtifactsBench part: evalbox's sample pages rendered in real Chromium and scored by the measuring judge. */
@Tag("chromium")
class DemoArtifactsBenchTest {
    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    @Test
    void theSampleIsRenderedJudgedAndReported(@TempDir Path dir) throws Exception {
        assertEquals(0, CommandRunner.demoPart("artifactsbench", dir), "every page rendered and every task scored");
        Path run = dir.resolve("artifactsbench-sample/run");
        Map<String, JsonNode> rows = new HashMap<>();
        RunDirectory.readResults(run).forEach(r -> rows.put(r.path("task_id").asText(), r));
        assertEquals(4, rows.size());
        assertEquals("html", rows.get("1").path("page_type").asText());
        assertEquals("svg", rows.get("2").path("page_type").asText());
        assertEquals("none", rows.get("4").path("page_type").asText());
        for (String task : new String[] {"1", "2", "3"}) {
            assertEquals("ok", rows.get(task).path("render_outcome").asText(), rows.get(task).toString());
            assertEquals(3, rows.get(task).path("screenshots").size());
        }
        assertTrue(rows.get("3").path("judge_reply").asText().matches("(?s).*, [1-9][0-9.]*% of it changed.*"),
                "the canvas animation moves between screenshots: " + rows.get("3").path("judge_reply").asText());
        assertTrue(rows.get("2").path("judge_reply").asText().contains(", 0.0% of it changed"), "the SVG is still");
        assertEquals(5.0, rows.get("4").path("score").asDouble(), "nothing rendered, the lowest score");
        assertTrue(rows.get("3").path("score").asDouble() > 60, rows.get("3").toString());
        assertTrue(Files.readString(run.resolve("report.html")).contains("artifacts/3/page_1.png"));
    }
}
