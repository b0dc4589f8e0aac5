package dev.evalbox.unittests.eval.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The percentile bootstrap of a mean over tasks: {@code resamples} times, as many tasks as there are
 * are drawn with replacement and their mean taken; the 95% interval is the 2.5th and 97.5th percentile of
 * those means, read as the sorted means at positions floor(0.025 B) and ceil(0.975 B) - 1 (25 and 974 of
 * 1,000). The generator is {@link SplittableRandom} from {@code seed}, so a recorded seed gives the
 * same interval again.
 */
public record Bootstrap(int resamples, long seed) {
    public static final int RESAMPLES = 1000;
    /** The seed a run uses unless told otherwise, recorded in metrics.json with the intervals. */
    public static final long SEED = 14L;

    public static Bootstrap standard() { return new Bootstrap(RESAMPLES, SEED); }

    public Bootstrap {
        if (resamples < 1) throw new IllegalArgumentException("a bootstrap needs at least one resample");
    }

    /** The 95% percentile interval of the mean of {@code values}: {low, high}; both NaN when there are no values. */
    public double[] interval(double[] values) {
        if (values.length == 0) return new double[] {Double.NaN, Double.NaN};
        SplittableRandom random = new SplittableRandom(seed);
        double[] means = new double[resamples];
        int n = values.length;
        for (int r = 0; r < resamples; r++) {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += values[random.nextInt(n)];
            means[r] = sum / n;
        }
        Arrays.sort(means);
        int low = (int) Math.floor(0.025 * resamples);
        int high = Math.max(low, (int) Math.ceil(0.975 * resamples) - 1);
        return new double[] {means[low], means[high]};
    }
}
