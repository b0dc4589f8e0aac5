package dev.evalbox.unittests;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * Works through items with a fixed number of workers, each holding its own state (a grading
 * sandbox, say) for all the items it takes. A worker's failure ends the whole run with that failure;
 * an interrupt stops the workers after their current item.
 */
public final class Workers {
    private Workers() { }

    public static <T, S extends AutoCloseable> void run(List<T> items, int concurrency, Supplier<S> state, BiConsumer<S, T> work) {
        ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>(items);
        int count = Math.max(1, concurrency);
        ExecutorService pool = Executors.newFixedThreadPool(count, r -> {
            Thread t = new Thread(r, "evalbox-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                running.add(pool.submit(() -> {
                    try (S own = state.get()) {
                        T item;
                        while (!Thread.currentThread().isInterrupted() && (item = queue.poll()) != null) work.accept(own, item);
                    }
                    return null;
                }));
            }
            await(running);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits for every future in turn; the first failure is rethrown, an interrupt ends the wait (and is kept). */
    public static void await(List<? extends Future<?>> futures) {
        try {
            for (Future<?> future : futures) future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Workers without state of their own. */
    public static <T> void run(List<T> items, int concurrency, java.util.function.Consumer<T> work) {
        run(items, concurrency, () -> (AutoCloseable) null, (none, item) -> work.accept(item));
    }
}
