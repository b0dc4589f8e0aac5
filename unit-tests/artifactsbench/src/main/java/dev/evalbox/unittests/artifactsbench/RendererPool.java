package dev.evalbox.unittests.artifactsbench;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Renders the pages of many tasks at once in few browsers: each browser is an {@link ArtifactRenderer} on a
 * thread of its own with up to {@code pagesInFlight} pages open, and another browser is started only when
 * every running one is full, so N tasks rendering at once share ceil(N / pagesInFlight) browsers and their
 * pages' waits between screenshots overlap. A caller waits for its own page. No browser starts before the
 * first page: answers without a page are graded without Chromium.
 */
public final class RendererPool implements AutoCloseable {
    private final ArtifactRenderer.Settings settings;
    private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final List<Thread> browsers = new ArrayList<>();
    // guarded by this: pages asked for and not yet rendered, and whether the pool is closed or broken
    private int pending;
    private boolean closed;
    private RuntimeException broken;

    public RendererPool(ArtifactRenderer.Settings settings) {
        this.settings = settings;
    }

    /** One page asked for, and where its rendering goes. The close sentinel has no job. */
    private record Request(ArtifactRenderer.Job job, CompletableFuture<ArtifactRenderer.Rendering> result) { }

    private static final Request CLOSE = new Request(null, null);

    public ArtifactRenderer.Settings settings() { return settings; }

    /** How many browsers the pool has started so far. */
    public synchronized int browsers() { return browsers.size(); }

    /** Renders the page as {@link ArtifactRenderer#render} does, in one of the pool's browsers; waits for it. */
    public ArtifactRenderer.Rendering render(ArtifactRenderer.Job job) {
        Request request = new Request(job, new CompletableFuture<>());
        synchronized (this) {
            if (closed) throw new IllegalStateException("the renderer pool is closed");
            if (broken != null) throw broken;
            pending++;
            if (pending > browsers.size() * settings.pagesInFlight()) startBrowser();
            queue.add(request);
        }
        try {
            return request.result().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted while the page of " + job.dir() + " was rendered");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            synchronized (this) {
                pending--;
            }
        }
    }

    private void startBrowser() {
        Thread thread = new Thread(this::serve, "evalbox-browser-" + (browsers.size() + 1));
        thread.setDaemon(true); // Ctrl-C must not wait for a page
        browsers.add(thread);
        thread.start();
    }

    /** A browser's thread: renders what the queue gives, several pages at once, until the pool closes. */
    private void serve() {
        Map<ArtifactRenderer.Job, Request> taken = new IdentityHashMap<>();
        try (ArtifactRenderer renderer = new ArtifactRenderer(settings)) {
            renderer.serve(() -> {
                Request next = taken.isEmpty() ? take() : queue.poll();
                if (next == null || next == CLOSE) {
                    if (next == CLOSE) queue.add(CLOSE); // for the other browsers
                    return null;
                }
                taken.put(next.job(), next);
                return next.job();
            }, (job, rendering) -> taken.remove(job).result().complete(rendering));
        } catch (RuntimeException | Error e) {
            RuntimeException failure = e instanceof RuntimeException r ? r : new IllegalStateException(e);
            synchronized (this) {
                if (broken == null) broken = failure;
            }
            taken.values().forEach(r -> r.result().completeExceptionally(e));
            // no browser may be left to take what is queued: those pages fail too
            for (Request r = queue.poll(); r != null; r = queue.poll()) {
                if (r == CLOSE) {
                    queue.add(CLOSE);
                    break;
                }
                r.result().completeExceptionally(e);
            }
        }
    }

    /** The next request, waiting for one; null when the thread is interrupted. */
    private Request take() {
        try {
            return queue.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Stops the browsers after the pages they have in flight. */
    @Override
    public void close() {
        List<Thread> started;
        synchronized (this) {
            if (closed) return;
            closed = true;
            started = List.copyOf(browsers);
        }
        queue.add(CLOSE);
        for (Thread thread : started) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                started.forEach(Thread::interrupt);
                return;
            }
        }
    }
}
