package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.evalbox.unittests.artifactsbench.ChromiumRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `evalbox bench artifacts-render --json` end to end in real Chromium, with a few pages. */
@Tag("chromium")
class BenchArtifactsRenderCommandTest {
    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    @Test
    void bothWaysRenderEveryPageAndTheJsonHasTheRatioAgainstTheGoal() throws Exception {
        CommandRunner.Result result = CommandRunner.run("bench", "artifacts-render", "--pages", "3", "--concurrency", "2", "--json");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.err().contains("bench: 3 pages, a browser launched per page (anchor)"), result.err());
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertEquals("artifacts-render", report.path("benchmark").asText());
        Map<String, JsonNode> byKey = new HashMap<>();
        report.path("measures").forEach(m -> byKey.put(m.path("key").asText(), m));
        for (String key : List.of("wall_s", "tasks_per_min", "speedup", "kept_s_per_task", "launched_s_per_task", "work_ratio")) {
            assertTrue(byKey.containsKey(key) && byKey.get(key).path("value").asDouble() > 0, key + " in " + result.out());
        }
        assertTrue(byKey.get("tasks_per_min").path("anchor").asDouble() > 0, "the anchor is measured in the same run");
        assertEquals(">= 4x", byKey.get("speedup").path("goal").asText());
        assertTrue(byKey.get("speedup").path("met").isBoolean());
        assertEquals(3, report.path("context").path("outcomes_kept_alive").path("ok").asInt(), result.out());
        assertEquals(3, report.path("context").path("outcomes_launched").path("ok").asInt(), result.out());
        assertEquals(9, report.path("context").path("screenshots_launched").asInt());
    }
}
