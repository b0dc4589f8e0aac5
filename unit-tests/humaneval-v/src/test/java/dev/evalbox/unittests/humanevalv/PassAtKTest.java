package dev.evalbox.unittests.humanevalv;

import dev.evalbox.unittests.eval.stats.PassAtK;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PassAtKTest {

    /** 1 - C(n-c,k)/C(n,k) with exact binomials, for comparison. */
    private static double exact(int n, int c, int k) {
        if (n - c < k) return 1.0;
        java.math.BigInteger a = binomial(n - c, k);
        java.math.BigInteger b = binomial(n, k);
        return 1.0 - new java.math.BigDecimal(a).divide(new java.math.BigDecimal(b), java.math.MathContext.DECIMAL128).doubleValue();
    }

    private static java.math.BigInteger binomial(int n, int k) {
        java.math.BigInteger r = java.math.BigInteger.ONE;
        for (int i = 1; i <= k; i++) r = r.multiply(java.math.BigInteger.valueOf(n - k + i)).divide(java.math.BigInteger.valueOf(i));
        return r;
    }

    @Test
    void matchesTheClosedFormEverywhereAndKnownValues() {
        for (int n = 1; n <= 40; n++) {
            for (int c = 0; c <= n; c++) {
                for (int k = 1; k <= n; k++) {
                    assertEquals(exact(n, c, k), PassAtK.estimate(n, c, k), 1e-12, "n=" + n + " c=" + c + " k=" + k);
                }
            }
        }
        assertEquals(0.5, PassAtK.estimate(6, 3, 1), 1e-12);
        assertEquals(1 - 1.0 / 20, PassAtK.estimate(6, 3, 3), 1e-12); // 1 - C(3,3)/C(6,3)
        assertEquals(0.0, PassAtK.estimate(20, 0, 10));
        assertEquals(1.0, PassAtK.estimate(20, 11, 10));
        assertThrows(IllegalArgumentException.class, () -> PassAtK.estimate(2, 1, 3));
    }

    @Test
    void theScoreIsAMeanTimesAHundredRoundedHalfEvenAndNeedsEnoughSamples() {
        // tasks at 0.25 and 0.0 -> 12.5 exactly; tasks at 1/3 and 0 -> 16.666.. -> 16.7
        assertEquals(OptionalDouble.of(12.5), PassAtK.score(List.of(new PassAtK.Counts(4, 1), new PassAtK.Counts(4, 0)), 1));
        assertEquals(OptionalDouble.of(16.7), PassAtK.score(List.of(new PassAtK.Counts(3, 1), new PassAtK.Counts(3, 0)), 1));
        // pass@1 of 1/16, 1/16, 0 and 2/16: mean 0.0625 -> 6.25 -> 6.2 (half-even, not half-up)
        assertEquals(OptionalDouble.of(6.2), PassAtK.score(List.of(new PassAtK.Counts(16, 1), new PassAtK.Counts(16, 1),
                new PassAtK.Counts(16, 0), new PassAtK.Counts(16, 2)), 1));
        assertEquals(OptionalDouble.empty(), PassAtK.score(List.of(new PassAtK.Counts(6, 1), new PassAtK.Counts(2, 1)), 3),
                "not reported when a task has fewer than k samples");
    }

    /** Against the reference formula (numpy product, mean, Python's round) run by Python, on random task sets. */
    @Test
    void agreesWithTheReferenceFormulaInPython() throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python) && new ProcessBuilder(python.toString(), "-c", "import numpy").start().waitFor() == 0,
                "no python3 with numpy to run the reference formula");
        java.util.Random random = new java.util.Random(7);
        StringBuilder input = new StringBuilder();
        List<Double> ours = new java.util.ArrayList<>();
        for (int set = 0; set < 300; set++) {
            int k = random.nextBoolean() ? 1 : 3;
            int n = k == 1 ? 1 + random.nextInt(20) : 3 + random.nextInt(18);
            List<PassAtK.Counts> tasks = new java.util.ArrayList<>();
            StringBuilder line = new StringBuilder().append(k);
            for (int t = 0; t < 1 + random.nextInt(250); t++) {
                int c = random.nextInt(n + 1);
                tasks.add(new PassAtK.Counts(n, c));
                line.append(' ').append(n).append(',').append(c);
            }
            ours.add(PassAtK.score(tasks, k).orElseThrow());
            input.append(line).append('\n');
        }
        String script = String.join("\n",
                "import sys, numpy as np",
                "def est(n, c, k):",
                "    return 0 if n - c < k else np.prod(1.0 - k / np.arange(n - c + 1, n + 1))",
                "for line in sys.stdin:",
                "    parts = line.split()",
                "    k = int(parts[0]); pairs = [tuple(map(int, p.split(','))) for p in parts[1:]]",
                "    print(round(float(np.array([1.0 - est(n, c, k) for n, c in pairs]).mean()) * 100, 1))");
        Process process = new ProcessBuilder(python.toString(), "-c", script).start();
        process.getOutputStream().write(input.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        process.getOutputStream().close();
        List<String> theirs = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, process.waitFor());
        assertEquals(ours.size(), theirs.size());
        for (int i = 0; i < ours.size(); i++) assertEquals(Double.parseDouble(theirs.get(i)), ours.get(i), 0.0, "task set " + i);
    }

    @Test
    void readsTheReferencePredictionFiles(@TempDir Path dir) throws Exception {
        Path shared = SharedPredictions.directory();
        List<Predictions.Entry> v2 = Predictions.read(shared.resolve("example_pred_sample_6.json"));
        assertEquals("q1", v2.get(0).qid());
        assertEquals(6, v2.get(0).predictions().size());
        assertTrue(v2.get(0).prompt().orElseThrow().contains("def solution(red_triangle: tuple, orange_dots: list) -> int:"));
        List<Predictions.Entry> v1 = Predictions.read(shared.resolve("v1_example_pred_sample_20.json"));
        assertEquals(20, v1.get(0).predictions().size());
        assertTrue(v1.get(0).prompt().isEmpty());

        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "[{\"qid\": \"q3\", \"predictions\": \"not a list\"}]");
        assertEquals("bad.json entry 0 (q3): field \"predictions\" must be a list of strings",
                assertThrows(IllegalArgumentException.class, () -> Predictions.read(bad)).getMessage());
    }
}
