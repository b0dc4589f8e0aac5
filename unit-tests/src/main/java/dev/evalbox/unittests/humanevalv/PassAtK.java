package dev.evalbox.unittests.humanevalv;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The unbiased pass@k estimator, 1 - C(n-c, k) / C(n, k), for a task with n samples of which c
 * passed, computed as a running product (no huge binomials); reported averaged over tasks, x100,
 * rounded half-even to one decimal, and only when every task has at least k samples.
 */
public final class PassAtK {
    private PassAtK() { }

    /** pass@k of one task: the chance that at least one of k samples drawn from the n passes. */
    public static double estimate(int n, int c, int k) {
        if (n < k) throw new IllegalArgumentException("pass@" + k + " needs at least " + k + " samples, the task has " + n);
        if (c < 0 || c > n) throw new IllegalArgumentException("passed samples must be between 0 and " + n + ", got " + c);
        if (n - c < k) return 1.0;
        // C(n-c, k) / C(n, k) = prod_{i=n-c+1}^{n} (1 - k / i)
        double allFail = 1.0;
        for (int i = n - c + 1; i <= n; i++) allFail *= 1.0 - (double) k / i;
        return 1.0 - allFail;
    }

    /** One task's counts. */
    public record Counts(int samples, int passed) { }

    /** The benchmark's figure: mean pass@k over tasks x100, half-even to 0.1; empty when some task has fewer than k samples. */
    public static OptionalDouble score(List<Counts> tasks, int k) {
        if (tasks.isEmpty() || tasks.stream().anyMatch(t -> t.samples() < k)) return OptionalDouble.empty();
        double mean = tasks.stream().mapToDouble(t -> estimate(t.samples(), t.passed(), k)).average().orElseThrow();
        return OptionalDouble.of(new BigDecimal(Double.toString(mean * 100)).setScale(1, RoundingMode.HALF_EVEN).doubleValue());
    }
}
