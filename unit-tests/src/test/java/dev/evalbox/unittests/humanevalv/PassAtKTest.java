package dev.evalbox.unittests.humanevalv;

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

    @Test
    void readsTheReferencePredictionFiles(@TempDir Path dir) throws Exception {
        Path shared = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && shared == null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("shared/data/humaneval_v/predictions"))) shared = d.resolve("shared/data/humaneval_v/predictions");
        }
        Assumptions.assumeTrue(shared != null, "skipping: ../shared/data/humaneval_v is not on this machine");
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
