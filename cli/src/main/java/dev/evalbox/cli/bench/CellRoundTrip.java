package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The cell round trip of {@code 1+1}, evalbox against the anchor.
 *
 * <p>evalbox's pipe is {@code Sandbox.execute("1+1")} on a warm sandbox, timed from the call to the
 * returned result, so it includes everything a caller pays: JSON framing, the Docker attach stream
 * in both directions, the driver and IPython. The anchor is {@link KernelAnchor}.
 *
 * <p>The two are timed in alternating blocks (evalbox first in even blocks, the anchor first in odd
 * ones) rather than one after the other: on a shared machine the load drifts, and a ratio of two
 * timings taken minutes apart would measure the drift as much as the pipes.
 */
final class CellRoundTrip {
    private static final int BLOCKS = 10;

    /** Both sides' timings and what the anchor ran on. */
    record Result(Percentiles evalbox, Percentiles anchor, KernelAnchor.Info anchorInfo) { }

    private CellRoundTrip() { }

    static Result measure(SandboxProvider provider, BenchSettings settings, Consumer<String> progress) {
        progress.accept("cell round trip: starting an evalbox sandbox");
        try (Sandbox sandbox = provider.open(settings.spec());
             KernelAnchor anchor = KernelAnchor.start(settings, progress)) {
            progress.accept("cell round trip: " + settings.warmup() + " warm-up `1+1` in evalbox");
            for (int i = 0; i < settings.warmup(); i++) Cells.run(sandbox, Cells.ROUND_TRIP, "2");
            int blocks = Math.min(BLOCKS, settings.samples());
            progress.accept("cell round trip: " + settings.samples() + " timed `1+1` each for evalbox and the anchor, in "
                    + blocks + " interleaved blocks");
            List<Double> evalbox = new ArrayList<>(settings.samples());
            List<Double> jupyter = new ArrayList<>(settings.samples());
            for (int block = 0; block < blocks; block++) {
                int size = settings.samples() / blocks + (block < settings.samples() % blocks ? 1 : 0);
                if (block % 2 == 0) {
                    evalbox.addAll(timeEvalbox(sandbox, size));
                    jupyter.addAll(anchor.roundTrips(size));
                } else {
                    jupyter.addAll(anchor.roundTrips(size));
                    evalbox.addAll(timeEvalbox(sandbox, size));
                }
            }
            return new Result(Percentiles.of(evalbox), Percentiles.of(jupyter), anchor.info());
        }
    }

    private static List<Double> timeEvalbox(Sandbox sandbox, int count) {
        List<Double> millis = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long started = System.nanoTime();
            Cells.run(sandbox, Cells.ROUND_TRIP, "2");
            millis.add((System.nanoTime() - started) / 1e6);
        }
        return millis;
    }
}
