package dev.evalbox.unittests.eval.stats;

/**
 * Two runs' pass/fail verdicts on the same tasks, as a 2x2 table, with McNemar's exact two-sided test:
 * under "the two models are equally good" each discordant task (passed by one run only) is a fair coin
 * toss, so the p-value is the exact binomial one of {@code aOnly} in {@code aOnly + bOnly} tosses.
 */
public record McNemar(int both, int aOnly, int bOnly, int neither) {

    public McNemar {
        if (both < 0 || aOnly < 0 || bOnly < 0 || neither < 0) throw new IllegalArgumentException("counts must not be negative");
    }

    public int tasks() { return both + aOnly + bOnly + neither; }

    /** The exact two-sided p-value; 1 when no task is discordant. */
    public double pValue() { return Binomial.twoSidedHalf(aOnly, aOnly + bOnly); }
}
