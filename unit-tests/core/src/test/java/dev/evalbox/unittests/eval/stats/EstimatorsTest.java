package dev.evalbox.unittests.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The estimators against values worked out by hand (the arithmetic is in the comments). */
class EstimatorsTest {

    @Test
    void passHatKIsTheChanceThatKDrawnAttemptsAllPass() {
        // n = 5 attempts, c = 3 passed: pass^2 = C(3,2)/C(5,2) = 3/10; pass^3 = C(3,3)/C(5,3) = 1/10
        assertEquals(0.3, PassAtK.estimateAll(5, 3, 2), 1e-12);
        assertEquals(0.1, PassAtK.estimateAll(5, 3, 3), 1e-12);
        assertEquals(0.6, PassAtK.estimateAll(5, 3, 1), 1e-12); // pass^1 = pass@1 = c/n
        assertEquals(0.0, PassAtK.estimateAll(5, 3, 4)); // fewer passes than k
        assertEquals(1.0, PassAtK.estimateAll(4, 4, 4));
        // pass@2 = 1 - C(2,2)/C(5,2) = 0.9; pass@3 = 1 (only 2 failures, 3 draws always include a pass)
        assertEquals(0.9, PassAtK.estimate(5, 3, 2), 1e-12);
        assertEquals(1.0, PassAtK.estimate(5, 3, 3));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimateAll(2, 1, 3));
    }

    @Test
    void theStandardErrorIsOverTaskMeansWithNMinusOne() {
        // four tasks, three epochs each, in percent: means 66.67, 0, 100, 33.33 -> mean 50;
        // squared deviations 2 * 50^2 + 2 * (50/3)^2 = 50000/9; variance / (n - 1) = 50000/27; stderr = sqrt(50000/27) / 2
        Map<String, List<Double>> byTask = new LinkedHashMap<>();
        byTask.put("a", List.of(100.0, 0.0, 100.0));
        byTask.put("b", List.of(0.0, 0.0, 0.0));
        byTask.put("c", List.of(100.0, 100.0, 100.0));
        byTask.put("d", List.of(100.0, 0.0, 0.0));
        Estimate e = Estimate.of(byTask, 0, 100, Bootstrap.standard());
        double stderr = Math.sqrt(50000.0 / 27) / 2; // 21.5166...
        assertEquals(50.0, e.value(), 1e-9);
        assertEquals(stderr, e.stderr(), 1e-9);
        assertEquals(21.5166, e.stderr(), 1e-4);
        assertEquals(50 - 1.96 * stderr, e.ciLow(), 1e-9);
        assertEquals(50 + 1.96 * stderr, e.ciHigh(), 1e-9);
        assertEquals(4, e.tasks());
        assertEquals(12, e.attempts());
        // the same 12 attempts taken as independent would give sqrt(12 * 50^2 / 11) / sqrt(12) = 15.08: clustering matters
        assertNotEquals(Math.sqrt(12 * 2500.0 / 11) / Math.sqrt(12), e.stderr(), 1.0);
    }

    @Test
    void theNormalIntervalIsClippedToTheMetricsRange() {
        // 100, 100, 100, 0: mean 75, variance (3 * 25^2 + 75^2) / 3 = 2500, stderr 50 / 2 = 25; 75 + 49 = 124 -> 100
        Estimate e = Estimate.of(Map.of("a", List.of(100.0), "b", List.of(100.0), "c", List.of(100.0), "d", List.of(0.0)),
                0, 100, Bootstrap.standard());
        assertEquals(25.0, e.stderr(), 1e-9);
        assertEquals(26.0, e.ciLow(), 1e-9);
        assertEquals(100.0, e.ciHigh());
        assertTrue(e.bootstrapHigh() <= 100.0);
    }

    @Test
    void oneTaskHasNoSpreadAndNoTaskHasNoValue() {
        Estimate one = Estimate.of(Map.of("a", List.of(7.0, 9.0)), 0, 10, Bootstrap.standard());
        assertEquals(8.0, one.value());
        assertTrue(Double.isNaN(one.stderr()));
        assertTrue(one.json().path("stderr").isNull());
        assertTrue(Double.isNaN(Estimate.of(Map.of(), 0, 10, Bootstrap.standard()).value()));
    }

    @Test
    void theBootstrapIsReproducibleFromItsSeedAndAgreesWithTheNormalIntervalOnALargeSample() {
        double[] values = new double[400];
        for (int i = 0; i < values.length; i++) values[i] = i % 2 == 0 ? 100 : 0; // mean 50, stderr 50/sqrt(400)*sqrt(400/399)
        double[] first = new Bootstrap(1000, 99).interval(values);
        assertEquals(first[0], new Bootstrap(1000, 99).interval(values)[0]);
        assertEquals(first[1], new Bootstrap(1000, 99).interval(values)[1]);
        assertNotEquals(first[0] + first[1], new Bootstrap(1000, 100).interval(values)[0] + new Bootstrap(1000, 100).interval(values)[1]);
        Estimate normal = Estimate.ofTaskMeans(values, 0, 100, new Bootstrap(1000, 99), values.length);
        // 1.96 * 2.5 = 4.9 either side of 50; the bootstrap's percentiles land within a point of it
        assertEquals(normal.ciLow(), first[0], 1.0);
        assertEquals(normal.ciHigh(), first[1], 1.0);
        double[] constant = new Bootstrap(1000, 1).interval(new double[] {3, 3, 3});
        assertEquals(3.0, constant[0]);
        assertEquals(3.0, constant[1]);
    }

    @Test
    void epochsAddPassAtKAndPassHatKAveragedOverTasks() {
        // task a passes 2 of 3 epochs, task b 1 of 3, task c none (epoch 3 without a verdict counts as a failure)
        List<JsonNode> rows = new ArrayList<>();
        rows.add(row("a", 1, true));
        rows.add(row("a", 2, true));
        rows.add(row("a", 3, false));
        rows.add(row("b", 1, false));
        rows.add(row("b", 2, true));
        rows.add(row("b", 3, false));
        rows.add(row("c", 1, false));
        rows.add(row("c", 2, false));
        rows.add(row("c", 3, null));
        Metrics metrics = EpochMetrics.attach(new Metrics(RunDirectory.object(), "pass_rate", List.of()), rows);
        JsonNode epochs = metrics.values().path("epochs");
        assertEquals(3, epochs.path("count").asInt());
        // pass@1: (2/3 + 1/3 + 0) / 3 = 1/3; pass@2: a 1 - C(1,2)/C(3,2) = 1, b 1 - C(2,2)/C(3,2) = 2/3, c 0 -> 5/9
        assertEquals(100.0 / 3, epochs.path("pass@k").path("1").asDouble(), 1e-9);
        assertEquals(500.0 / 9, epochs.path("pass@k").path("2").asDouble(), 1e-9);
        assertEquals(200.0 / 3, epochs.path("pass@k").path("3").asDouble(), 1e-9); // a 1, b 1, c 0
        // pass^2: a C(2,2)/C(3,2) = 1/3, b 0, c 0 -> 1/9; pass^3: all zero
        assertEquals(100.0 / 9, epochs.path("pass^k").path("2").asDouble(), 1e-9);
        assertEquals(0.0, epochs.path("pass^k").path("3").asDouble(), 1e-9);
        Metrics withIntervals = Uncertainty.attach(metrics, Bootstrap.standard());
        JsonNode interval = withIntervals.values().path("uncertainty").path("metrics").path("/epochs/pass@k/1");
        // per-task pass@1 in percent 66.67, 33.33, 0: mean 33.33, variance (33.33^2 + 0 + 33.33^2) / 2 = 1111.1, stderr sqrt(1111.1 / 3)
        assertEquals(Math.sqrt(10000.0 / 9 / 3), interval.path("stderr").asDouble(), 1e-9);
        assertEquals(Bootstrap.SEED, withIntervals.values().path("uncertainty").path("bootstrap").path("seed").asLong());
        assertEquals(1000, withIntervals.values().path("uncertainty").path("bootstrap").path("resamples").asInt());
    }

    @Test
    void oneEpochAddsNothing() {
        Metrics metrics = new Metrics(RunDirectory.object().put("pass_rate", 50.0), "pass_rate", List.of("x"));
        assertEquals(metrics, EpochMetrics.attach(metrics, List.of(row("a", 1, true), row("b", 1, false))));
    }

    @Test
    void aPointerEscapesAsJsonPointerDoes() {
        assertEquals("/by_category/a~1b~0c/pass_rate", Observations.pointer("by_category", "a/b~c", "pass_rate"));
        assertThrows(IllegalArgumentException.class, () -> new Observations().add("/x", 0, 10, "t", 11));
    }

    private static JsonNode row(String task, int epoch, Boolean passed) {
        ObjectNode row = RunDirectory.object().put("task_id", task).put("epoch", epoch).put("sample", 0);
        if (passed == null) row.putNull("passed"); else row.put("passed", passed);
        return row;
    }
}
