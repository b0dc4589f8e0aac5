package dev.evalbox.unittests.eval.stats;

/**
 * Exact tail probabilities of a fair coin, Binomial(n, 1/2), the distribution behind McNemar's exact test
 * and the sign test. Summed in log space, so n in the tens of thousands neither overflows nor underflows.
 */
public final class Binomial {
    private Binomial() { }

    /**
     * The exact two-sided p-value of seeing {@code successes} heads in {@code trials} tosses of a fair coin:
     * twice the smaller tail, P(X &lt;= min(k, n - k)), capped at 1 (the fair coin's two tails are mirror
     * images, so this equals the sum of every outcome as unlikely as the one seen). With no trials, 1.
     */
    public static double twoSidedHalf(int successes, int trials) {
        if (trials < 0 || successes < 0 || successes > trials) {
            throw new IllegalArgumentException("need 0 <= successes <= trials, got " + successes + " of " + trials);
        }
        if (trials == 0) return 1.0;
        int tail = Math.min(successes, trials - successes);
        return Math.min(1.0, 2 * lowerTailHalf(tail, trials));
    }

    /** P(X &lt;= k) for X ~ Binomial(n, 1/2). */
    public static double lowerTailHalf(int k, int n) {
        if (k < 0) return 0.0;
        if (k >= n) return 1.0;
        double logPmf = -n * Math.log(2); // log P(X = 0)
        double logSum = logPmf;
        for (int i = 1; i <= k; i++) {
            logPmf += Math.log((double) (n - i + 1) / i);
            double hi = Math.max(logSum, logPmf);
            logSum = hi + Math.log(Math.exp(logSum - hi) + Math.exp(logPmf - hi));
        }
        return Math.min(1.0, Math.exp(logSum));
    }
}
