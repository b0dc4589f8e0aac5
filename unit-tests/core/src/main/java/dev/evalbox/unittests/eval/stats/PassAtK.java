package dev.evalbox.unittests.eval.stats;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The unbiased pass@k estimator, 1 - C(n-c, k) / C(n, k), for a task with n attempts of which c
 * passed, computed as a running product (no huge binomials), as HumanEval's reference does; and its
 * counterpart pass^k, C(c, k) / C(n, k), the chance that k attempts drawn from the n all pass. HumanEval-V
 * reports pass@k averaged over tasks, x100, rounded as Python's round(x, 1) does ({@link #score}); epochs
 * of any pass/fail benchmark use the per-task estimates ({@link EpochMetrics}).
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

    /** pass^k of one task: the chance that k attempts drawn without replacement from the n all pass, C(c, k) / C(n, k). */
    public static double estimateAll(int n, int c, int k) {
        if (n < k) throw new IllegalArgumentException("pass^" + k + " needs at least " + k + " attempts, the task has " + n);
        if (c < 0 || c > n) throw new IllegalArgumentException("passed attempts must be between 0 and " + n + ", got " + c);
        if (c < k) return 0.0;
        // C(c, k) / C(n, k) = prod_{i=0}^{k-1} (c - i) / (n - i)
        double all = 1.0;
        for (int i = 0; i < k; i++) all *= (double) (c - i) / (n - i);
        return all;
    }

    /**
     * The sum numpy's mean computes (the reference averages with numpy): its pairwise summation, in
     * 8-way unrolled blocks of up to 128 values. Summing in another order can move the last bits, and
     * so the rounding; the order here matched numpy 1.24 on every one of 3000 random arrays.
     */
    static double numpySum(double[] values) {
        return pairwiseSum(values, 0, values.length);
    }

    private static double pairwiseSum(double[] a, int from, int n) {
        if (n < 8) {
            double sum = 0.0;
            for (int i = 0; i < n; i++) sum += a[from + i];
            return sum;
        }
        if (n <= 128) {
            double[] r = new double[8];
            for (int j = 0; j < 8; j++) r[j] = a[from + j];
            int i = 8;
            for (; i < n - (n % 8); i += 8) {
                for (int j = 0; j < 8; j++) r[j] += a[from + i + j];
            }
            double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) sum += a[from + i];
            return sum;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwiseSum(a, from, half) + pairwiseSum(a, from + half, n - half);
    }

    /** One task's counts. */
    public record Counts(int samples, int passed) { }

    /** The benchmark's figure: mean pass@k over tasks x100, half-even to 0.1; empty when some task has fewer than k samples. */
    public static OptionalDouble score(List<Counts> tasks, int k) {
        if (tasks.isEmpty() || tasks.stream().anyMatch(t -> t.samples() < k)) return OptionalDouble.empty();
        double[] values = tasks.stream().mapToDouble(t -> estimate(t.samples(), t.passed(), k)).toArray();
        double mean = numpySum(values) / values.length;
        // Python's round(x, 1) rounds the float's exact binary value, ties to even: so does BigDecimal(double).
        return OptionalDouble.of(new BigDecimal(mean * 100).setScale(1, RoundingMode.HALF_EVEN).doubleValue());
    }
}
