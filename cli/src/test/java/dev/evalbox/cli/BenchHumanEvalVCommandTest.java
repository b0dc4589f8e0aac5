package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.sandbox.DockerRequired;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** `evalbox bench humaneval-v --json` end to end on a few samples: both procedures run and agree on every verdict. */
@Tag("docker")
class BenchHumanEvalVCommandTest {
    @BeforeAll
    static void needsDockerAndHostPylint() throws Exception {
        DockerRequired.check();
        Process probe = new ProcessBuilder("/usr/bin/python3", "-c", "import pylint").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        Assumptions.assumeTrue(probe.waitFor() == 0, "skipping: the anchor needs Debian's pylint on the host (scripts/setup.sh host-python)");
    }

    @Test
    void bothProceduresGradeTheSameSamplesAndAgree() throws Exception {
        CommandRunner.Result result = CommandRunner.run("bench", "humaneval-v", "--samples", "30", "--concurrency", "1,2", "--json");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode report = new ObjectMapper().readTree(result.out());
        assertEquals("humaneval-v", report.path("benchmark").asText());
        assertEquals(30, report.path("context").path("samples").asInt());
        assertEquals(5, report.path("context").path("tasks").asInt());
        Map<String, JsonNode> byKey = new HashMap<>();
        report.path("measures").forEach(m -> byKey.put(m.path("key").asText(), m));
        for (String key : new String[] {"anchor_wall_s", "anchor_samples_per_s", "grade_samples_per_s_c1", "grade_samples_per_s_c2",
                "throughput_ratio_c1", "throughput_ratio_c2"}) {
            assertTrue(byKey.containsKey(key) && byKey.get(key).path("value").asDouble() > 0, key + " in " + result.out());
        }
        assertEquals(">= 2x", byKey.get("throughput_ratio_c2").path("goal").asText());
        assertEquals(0, byKey.get("disagreements_c1").path("value").asInt(), result.out());
        assertEquals(0, byKey.get("disagreements_c2").path("value").asInt(), result.out());
        assertTrue(report.path("notes").toString().contains("anchor: 0 verdict(s) differ from what the sample was written to do"),
                "every generated sample does what it was written to do: " + report.path("notes"));
    }
}
