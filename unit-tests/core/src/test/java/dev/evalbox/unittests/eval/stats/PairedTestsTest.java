package dev.evalbox.unittests.eval.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.List;
import org.junit.jupiter.api.Test;

/** McNemar's exact test and the sign test against an exact binomial computed here another way. */
class PairedTestsTest {

    /**
     * The exact two-sided binomial p-value by its other definition: the probability, in exact integers, of
     * every outcome no more likely than the one seen, sum of C(n, i) over i with C(n, i) &lt;= C(n, k), over 2^n.
     */
    private static double independent(int k, int n) {
        BigInteger[] row = pascalRow(n);
        BigInteger sum = BigInteger.ZERO;
        for (BigInteger c : row) {
            if (c.compareTo(row[k]) <= 0) sum = sum.add(c);
        }
        return Math.min(1.0, new BigDecimal(sum).divide(new BigDecimal(BigInteger.TWO.pow(n)), MathContext.DECIMAL128).doubleValue());
    }

    /** C(n, 0..n) by Pascal's rule, additions only. */
    private static BigInteger[] pascalRow(int n) {
        BigInteger[] row = {BigInteger.ONE};
        for (int m = 1; m <= n; m++) {
            BigInteger[] next = new BigInteger[m + 1];
            next[0] = BigInteger.ONE;
            next[m] = BigInteger.ONE;
            for (int i = 1; i < m; i++) next[i] = row[i - 1].add(row[i]);
            row = next;
        }
        return row;
    }

    @Test
    void mcNemarMatchesTheExactBinomialEverywhereUpToTwoHundredDiscordantTasks() {
        for (int n = 0; n <= 200; n++) {
            for (int b = 0; b <= n; b++) {
                double expected = independent(b, n);
                assertEquals(expected, new McNemar(5, b, n - b, 7).pValue(), 1e-12 + 1e-9 * expected, "b=" + b + " c=" + (n - b));
            }
        }
    }

    @Test
    void knownValues() {
        // 1 against 6 discordant: P(X <= 1) = (1 + 7) / 2^7 = 1/16, two-sided 1/8
        assertEquals(0.125, new McNemar(10, 1, 6, 3).pValue(), 1e-15);
        // 0 against 5: 2 / 32
        assertEquals(0.0625, new McNemar(0, 0, 5, 0).pValue(), 1e-15);
        assertEquals(1.0, new McNemar(3, 0, 0, 4).pValue());
        assertEquals(1.0, new McNemar(3, 4, 4, 4).pValue());
        assertEquals(24, new McNemar(3, 4, 5, 12).tasks());
        // far past double's range of 2^-n: still a number, tiny but not NaN
        double tiny = new McNemar(0, 10, 3000, 0).pValue();
        assertTrue(tiny >= 0 && tiny < 1e-300 || tiny == 0.0, "p = " + tiny);
        assertEquals(1.0, new McNemar(0, 1500, 1500, 0).pValue(), 1e-9);
    }

    @Test
    void theSignTestDropsTiesAndCountsSigns() {
        SignTest test = SignTest.of(List.of(1.5, -0.5, 0.0, 2.0, 3.0, 0.0, 4.0, 5.0, 1.0));
        assertEquals(6, test.positive());
        assertEquals(1, test.negative());
        assertEquals(2, test.ties());
        assertEquals(0.125, test.pValue(), 1e-15); // 1 of 7, as above
        assertEquals(independent(1, 7), test.pValue(), 1e-15);
    }
}
