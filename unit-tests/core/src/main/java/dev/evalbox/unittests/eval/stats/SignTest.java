package dev.evalbox.unittests.eval.stats;

import java.util.Collection;

/**
 * The sign test on paired differences: ties (a difference of 0) are dropped, and under "no difference"
 * each remaining task is a fair coin toss between a positive and a negative sign.
 */
public record SignTest(int positive, int negative, int ties) {

    public static SignTest of(Collection<Double> differences) {
        int positive = 0;
        int negative = 0;
        int ties = 0;
        for (double d : differences) {
            if (d > 0) positive++;
            else if (d < 0) negative++;
            else ties++;
        }
        return new SignTest(positive, negative, ties);
    }

    /** The exact two-sided p-value; 1 when every difference is a tie. */
    public double pValue() { return Binomial.twoSidedHalf(positive, positive + negative); }
}
