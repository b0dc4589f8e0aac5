package dev.evalbox.unittests.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** compare on hand-made runs: pairing, the 2x2 table, the paired interval, the tests, leaderboards and the JSON fields. */
class ComparisonTest {

    @Test
    void twoPassFailRunsArePairedByTaskWithTheTableTheIntervalAndMcNemar(@TempDir Path dir) throws Exception {
        // 10 paired tasks: t0-t2 both pass, t3-t6 only A, t7 only B, t8-t9 neither; "a-extra" only in A, "b-extra" only in B
        Map<String, Boolean> a = new LinkedHashMap<>();
        Map<String, Boolean> b = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            a.put("t" + i, i <= 6);
            b.put("t" + i, i <= 2 || i == 7);
        }
        a.put("a-extra", true);
        b.put("b-extra", false);
        Path runA = SyntheticRuns.passFail(dir.resolve("a"), "pybench", "model-a", a);
        Path runB = SyntheticRuns.passFail(dir.resolve("b"), "pybench", "model-b", b);
        Comparison comparison = Comparison.of(List.of(runA, runB));
        assertEquals(1, comparison.pairs().size());
        JsonNode pair = comparison.json().path("pairs").get(0);
        List<String> fields = new ArrayList<>();
        pair.fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("a", "b", "benchmark", "tasks", "both", "a_only", "b_only", "neither", "difference", "ci_low", "ci_high",
                "p_value", "flipped"), fields.subList(0, 13), "the issue's fields, in its order");
        assertEquals(runA.toString(), pair.path("a").asText());
        assertEquals("pybench", pair.path("benchmark").asText());
        assertEquals(10, pair.path("tasks").asInt());
        assertEquals(3, pair.path("both").asInt());
        assertEquals(4, pair.path("a_only").asInt());
        assertEquals(1, pair.path("b_only").asInt());
        assertEquals(2, pair.path("neither").asInt());
        // McNemar: 4 against 1, P(X <= 1 | 5, 1/2) = 6/32, two-sided 12/32
        assertEquals(0.375, pair.path("p_value").asDouble(), 1e-12);
        // differences in points: four +100, one -100, five 0 -> mean 30; sum of squares 4 * 70^2 + 130^2 + 5 * 30^2 = 41000,
        // variance 41000 / 9, stderr sqrt(41000 / 9) / sqrt(10)
        double stderr = Math.sqrt(41000.0 / 9) / Math.sqrt(10);
        assertEquals(30.0, pair.path("difference").asDouble(), 1e-9);
        assertEquals(30 - 1.96 * stderr, pair.path("ci_low").asDouble(), 1e-9);
        assertEquals(30 + 1.96 * stderr, pair.path("ci_high").asDouble(), 1e-9);
        List<String> flipped = new ArrayList<>();
        pair.path("flipped").forEach(t -> flipped.add(t.asText()));
        assertEquals(List.of("t3", "t4", "t5", "t6", "t7"), flipped);
        assertEquals("a-extra", pair.path("only_in_a").get(0).asText());
        assertEquals("b-extra", pair.path("only_in_b").get(0).asText());
        String text = comparison.text();
        assertTrue(text.contains("model-a  vs  model-b   (pybench, 10 paired tasks)"), text);
        assertTrue(text.contains("McNemar exact p = 0.3750"), text);
        assertTrue(text.contains("only in A, left out: a-extra"), text);
        // the leaderboard: A 8 of 11 passes, B 4 of 11
        assertEquals(List.of("model-a", "model-b"), comparison.leaderboards().get("pybench").stream().map(ComparedRun::label).toList());
    }

    @Test
    void scoredRunsGetTheSignTestAndAPairedBootstrapInterval(@TempDir Path dir) throws Exception {
        Map<String, Double> a = new LinkedHashMap<>();
        Map<String, Double> b = new LinkedHashMap<>();
        Double[][] scores = {{80.0, 70.0}, {60.0, 50.0}, {90.0, 40.0}, {30.0, 30.0}, {55.0, 65.0}, {70.0, 20.0}, {40.0, null}};
        for (int i = 0; i < scores.length; i++) {
            a.put("t" + i, scores[i][0]);
            b.put("t" + i, scores[i][1]);
        }
        Comparison comparison = Comparison.of(List.of(SyntheticRuns.scored(dir.resolve("a"), "artifactsbench", "m1", a),
                SyntheticRuns.scored(dir.resolve("b"), "artifactsbench", "m2", b)));
        JsonNode pair = comparison.json().path("pairs").get(0);
        assertFalse(pair.has("both") || pair.has("a_only") || pair.has("b_only") || pair.has("neither"), "no 2x2 table for scores");
        // t6 has no score in B: left out. differences 10, 10, 50, 0, -10, 50: mean 110/6; signs 4+, 1-, 1 tie -> p = 2 * 6/32
        assertEquals(6, pair.path("tasks").asInt());
        assertEquals(110.0 / 6, pair.path("difference").asDouble(), 1e-9);
        assertEquals(0.375, pair.path("p_value").asDouble(), 1e-12);
        assertEquals("sign", pair.path("test").asText());
        assertTrue(pair.path("ci_low").asDouble() < pair.path("difference").asDouble()
                && pair.path("difference").asDouble() < pair.path("ci_high").asDouble(), pair.toString());
        assertTrue(pair.path("ci_low").asDouble() >= -10 && pair.path("ci_high").asDouble() <= 50, "a bootstrap mean lies within the data");
        assertEquals(pair, Comparison.of(List.of(dir.resolve("a"), dir.resolve("b"))).json().path("pairs").get(0), "the seed makes it repeatable");
    }

    @Test
    void severalRunsGiveEveryPairALeaderboardAndTheModelsByBenchmarksTable(@TempDir Path dir) throws Exception {
        Path p1 = SyntheticRuns.passFail(dir.resolve("p1"), "pybench", "small", Map.of("1", false, "2", false, "3", true));
        Path p2 = SyntheticRuns.passFail(dir.resolve("p2"), "pybench", "large", Map.of("1", true, "2", true, "3", true));
        Path p3 = SyntheticRuns.passFail(dir.resolve("p3"), "pybench", "medium", Map.of("1", true, "2", false, "3", true));
        Path h1 = SyntheticRuns.passFail(dir.resolve("h1"), "humaneval-v", "small", Map.of("q1", true, "q2", false));
        Comparison comparison = Comparison.of(List.of(p1, p2, p3, h1));
        assertEquals(3, comparison.pairs().size(), "every pair of the three PyBench runs; HumanEval-V has one run");
        assertEquals(List.of("large", "medium", "small"), comparison.leaderboards().get("pybench").stream().map(ComparedRun::label).toList());
        JsonNode table = comparison.json().path("table");
        assertEquals(50.0, table.path("small").path("humaneval-v").path("value").asDouble(), 1e-9);
        assertTrue(table.path("large").path("humaneval-v").isMissingNode());
        assertTrue(comparison.text().contains("models x benchmarks"), comparison.text());
    }

    @Test
    void theLeaderboardTakesTheHeadlineAndItsIntervalFromMetricsJson(@TempDir Path dir) throws Exception {
        Path a = SyntheticRuns.passFail(dir.resolve("a"), "code-interpreter", "m1", Map.of("1", false, "2", false));
        Path b = SyntheticRuns.passFail(dir.resolve("b"), "code-interpreter", "m2", Map.of("1", true, "2", false));
        // a's headline is Vis-All, recorded as 90 with its interval: it ranks first although none of its rows pass
        java.nio.file.Files.writeString(a.resolve("metrics.json"), "{\"headline\": \"Vis-All\", \"uncertainty\": {\"metrics\": {"
                + "\"/executable rate: all/percent\": {\"value\": 10, \"tasks\": 2, \"attempts\": 2},"
                + "\"/Vis-All/percent\": {\"value\": 90, \"stderr\": 5, \"ci_low\": 80.2, \"ci_high\": 99.8, \"tasks\": 2, \"attempts\": 2}}}}");
        Comparison comparison = Comparison.of(List.of(a, b));
        ComparedRun first = comparison.leaderboards().get("code-interpreter").get(0);
        assertEquals("m1", first.label());
        assertEquals("Vis-All", first.headline());
        assertEquals(80.2, first.estimate().ciLow(), 1e-12);
        assertEquals(50.0, comparison.leaderboards().get("code-interpreter").get(1).estimate().value(), 1e-12,
                "without metrics.json: the mean over tasks of the run's rows");
    }

    @Test
    void aDirectoryThatIsNoRunIsAnError(@TempDir Path dir) throws Exception {
        Path run = SyntheticRuns.passFail(dir.resolve("a"), "pybench", "m", Map.of("1", true));
        assertTrue(assertThrows(UserException.class, () -> Comparison.of(List.of(run, dir.resolve("nothing")))).getMessage()
                .contains("is not a run directory"));
        assertThrows(UserException.class, () -> Comparison.of(List.of(run)));
    }
}
