package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.bench.BenchException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Throughput: short cells handed out from one shared counter to {@code concurrency} workers, each
 * holding a sandbox acquired from a warm pool. The clock runs from the first acquire to the last
 * result, so a slow hand-over would show; starting the containers is not in it (that is the
 * cold-start measure).
 */
final class PoolThroughput {
    static final String CELL = "sum(range(1000))";
    static final String CELL_RESULT = "499500";
    private static final Duration WARM_WAIT = Duration.ofSeconds(180);

    /** What the run did. */
    record Result(int cells, int concurrency, double wallSeconds) {
        double cellsPerSecond() { return cells / wallSeconds; }
    }

    private PoolThroughput() { }

    static Result measure(SandboxProvider provider, BenchSettings settings, Consumer<String> progress) {
        int concurrency = settings.concurrency();
        progress.accept("throughput: " + settings.cells() + " cells of `" + CELL + "` over " + concurrency + " pooled sandboxes");
        SandboxSpec spec = settings.spec();
        List<Sandbox> held = Collections.synchronizedList(new ArrayList<>());
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        // The pool is exactly as large as the run, so nothing else starts while the clock runs.
        try (SandboxPool pool = new SandboxPool(provider, concurrency, concurrency)) {
            if (!pool.awaitWarm(spec, concurrency, WARM_WAIT)) {
                throw new BenchException("the pool did not warm " + concurrency + " sandboxes within " + WARM_WAIT.toSeconds() + " s");
            }
            AtomicInteger next = new AtomicInteger();
            long started = System.nanoTime();
            List<Future<Integer>> done = new ArrayList<>();
            for (int w = 0; w < concurrency; w++) {
                done.add(workers.submit(() -> {
                    Sandbox sandbox = pool.acquire(spec);
                    held.add(sandbox);
                    int ran = 0;
                    while (next.getAndIncrement() < settings.cells()) {
                        Cells.run(sandbox, CELL, CELL_RESULT);
                        ran++;
                    }
                    return ran;
                }));
            }
            int ran = 0;
            for (Future<Integer> worker : done) ran += worker.get();
            double wall = (System.nanoTime() - started) / 1e9;
            if (ran != settings.cells()) throw new BenchException("ran " + ran + " cells instead of " + settings.cells());
            return new Result(ran, concurrency, wall);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) throw runtime;
            throw new BenchException("a throughput worker failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted during the throughput run");
        } finally {
            workers.shutdownNow();
            // Closed after the pool: a closed pool does not refill the room these free.
            held.forEach(Sandbox::close);
        }
    }
}
