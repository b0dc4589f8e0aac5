package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import dev.evalbox.sandbox.DockerRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `evalbox bench sandbox --json` end to end on Docker, with small sample counts. */
@Tag("docker")
class BenchSandboxCommandTest {
    private static final List<String> MEASURES = List.of("round_trip_p50", "round_trip_p95", "round_trip_speedup",
            "acquire_warm_p50", "acquire_warm_p95", "cold_start_p50", "idle_memory_mean", "idle_memory_max",
            "throughput", "throughput_wall_time");

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    @Test
    void jsonHasEveryMeasureWithAPositiveValueAndTheAnchorForTheRoundTrip() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new EvalboxCommand()).setExecutionExceptionHandler(new UserErrors());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("bench", "sandbox", "--json", "--samples", "20", "--warmup", "5", "--cells", "40",
                "--acquire-samples", "3", "--cold-samples", "2", "--idle-sandboxes", "2");

        assertEquals(0, code, "stderr:\n" + err);
        assertTrue(err.toString().contains("bench: "), "progress goes to stderr: " + err);
        JsonNode report = new ObjectMapper().readTree(out.toString());
        assertEquals("sandbox", report.path("benchmark").asText());
        Map<String, JsonNode> byKey = new HashMap<>();
        report.path("measures").forEach(m -> byKey.put(m.path("key").asText(), m));
        for (String key : MEASURES) {
            JsonNode measure = byKey.get(key);
            assertTrue(measure != null, key + " is missing from " + out);
            assertTrue(measure.path("value").isNumber() && measure.path("value").asDouble() > 0, key + ": " + measure);
            assertFalse(measure.path("unit").asText().isEmpty(), key + ": " + measure);
            assertTrue(measure.has("anchor") && measure.has("goal") && measure.has("met"), key + ": " + measure);
        }
        for (String key : List.of("round_trip_p50", "round_trip_p95")) {
            JsonNode anchor = byKey.get(key).path("anchor");
            assertTrue(anchor.isNumber() && anchor.asDouble() > 0, key + " has no anchor: " + byKey.get(key));
            assertTrue(byKey.get(key).path("met").isBoolean(), key + ": " + byKey.get(key));
        }
        assertTrue(byKey.get("acquire_warm_p50").path("anchor").isNull());
        assertEquals("< 20 ms", byKey.get("acquire_warm_p50").path("goal").asText());
        assertTrue(report.path("all_goals_met").isBoolean());
    }
}
