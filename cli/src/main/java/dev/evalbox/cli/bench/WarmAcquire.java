package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.bench.BenchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Acquire latency on the warm path: {@code pool.acquire(spec)} while a pre-started sandbox is
 * waiting. Before each timed acquire the pool is given time to refill ({@code awaitWarm}), so the
 * sample measures the hand-over, not a container start.
 */
final class WarmAcquire {
    private static final Duration WARM_WAIT = Duration.ofSeconds(120);

    private WarmAcquire() { }

    static Percentiles measure(SandboxProvider provider, BenchSettings settings, Consumer<String> progress) {
        progress.accept("acquire from a warm pool: " + settings.acquireSamples() + " acquires (the pool refills between them)");
        SandboxSpec spec = settings.spec();
        List<Double> millis = new ArrayList<>();
        try (SandboxPool pool = new SandboxPool(provider, 1, 2)) {
            for (int i = 0; i < settings.acquireSamples(); i++) {
                awaitWarm(pool, spec);
                long started = System.nanoTime();
                Sandbox sandbox = pool.acquire(spec);
                double elapsed = (System.nanoTime() - started) / 1e6;
                // Untimed: prove the sandbox handed out was really ready to run a cell.
                try (sandbox) {
                    Cells.run(sandbox, Cells.ROUND_TRIP, "2");
                }
                millis.add(elapsed);
            }
        }
        return Percentiles.of(millis);
    }

    private static void awaitWarm(SandboxPool pool, SandboxSpec spec) {
        try {
            if (!pool.awaitWarm(spec, 1, WARM_WAIT)) {
                throw new BenchException("the pool had no warm sandbox after " + WARM_WAIT.toSeconds() + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while the pool warmed up");
        }
    }
}
