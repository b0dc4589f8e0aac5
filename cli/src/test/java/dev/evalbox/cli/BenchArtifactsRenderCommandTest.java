package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.evalbox.unittests.report.ChromiumRequired;
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
    void bothWaysAtEachWorkerCountRenderEveryPageAndTheJsonHasTheRatiosAgainstTheGoal() throws Exception {
        CommandRunner.Result result = CommandRunner.run("bench", "artifacts-render", "--pages", "3", "--concurrency", "1,2",
                "--pages-in-flight", "3", "--json");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.err().contains("bench: 3 pages, 2 worker(s), a browser launched per page (anchor)"), result.err());
        assertTrue(result.err().contains("bench: 3 pages, 1 worker(s), browser kept alive, 3 pages in flight each"), result.err());
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertEquals("artifacts-render", report.path("benchmark").asText());
        Map<String, JsonNode> byKey = new HashMap<>();
        report.path("measures").forEach(m -> byKey.put(m.path("key").asText(), m));
        for (String key : List.of("wall_s_w1", "wall_s_w2", "tasks_per_min_w1", "tasks_per_min_w2", "speedup_w1", "speedup_w2",
                "tasks_per_min_best", "speedup")) {
            assertTrue(byKey.containsKey(key) && byKey.get(key).path("value").asDouble() > 0, key + " in " + result.out());
        }
        assertTrue(byKey.get("tasks_per_min_w2").path("anchor").asDouble() > 0, "the anchor is measured in the same run");
        assertTrue(byKey.get("tasks_per_min_best").path("anchor").asDouble() >= byKey.get("tasks_per_min_w1").path("anchor").asDouble(),
                "the best anchor is the best of its worker counts");
        for (String key : List.of("cpu_s_per_page_w1", "cpu_s_per_page_w2", "cpu_s_per_page_all_w1", "cpu_s_per_page")) {
            assertTrue(byKey.get(key).path("value").asDouble() > 0 && byKey.get(key).path("anchor").asDouble() > 0, key + " in " + result.out());
        }
        assertTrue(byKey.get("cpu_s_per_page_all_w1").path("value").asDouble() > byKey.get("cpu_s_per_page_w1").path("value").asDouble(),
                "all the CPU includes Chromium's: " + result.out());
        assertEquals(">= 3x", byKey.get("cpu_ratio").path("goal").asText());
        assertEquals(">= 4x", byKey.get("speedup").path("goal").asText());
        assertTrue(byKey.get("speedup").path("met").isBoolean());
        assertEquals(3, report.path("context").path("pages_in_flight").asInt());
        for (String level : List.of("1", "2")) {
            assertEquals(3, report.path("context").path("outcomes_kept_alive").path(level).path("ok").asInt(), result.out());
            assertEquals(3, report.path("context").path("outcomes_launched").path(level).path("ok").asInt(), result.out());
        }
        assertEquals(18, report.path("context").path("screenshots_launched").asInt());
        assertEquals(18, report.path("context").path("screenshots_kept_alive").asInt());
    }

    @Test
    void aWorkerCountBelowOneIsRefused() {
        CommandRunner.Result result = CommandRunner.run("bench", "artifacts-render", "--concurrency", "0", "--json");
        assertTrue(result.exitCode() != 0);
        assertTrue(result.err().contains("worker counts must be at least 1"), result.err());
    }
}
