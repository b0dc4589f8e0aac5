package dev.evalbox.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pre-started, readiness-checked, one-shot sandboxes, kept warm per {@link SandboxSpec}.
 *
 * <p>{@link #acquire} hands out a warm sandbox (or starts one when none is warm); closing it
 * destroys it, and the pool refills in the background. At most {@code maxConcurrent} sandboxes
 * exist at once (warm, starting and in use together); {@link #acquire} waits for room, evicting
 * warm sandboxes of other specs when they are what fills the pool.
 */
public final class SandboxPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxPool.class);

    private final SandboxProvider provider;
    private final int warmPerSpec;
    private final int maxConcurrent;
    private final Semaphore room;
    private final Map<SandboxSpec, Shelf> shelves = new ConcurrentHashMap<>();
    private final ExecutorService starter;
    private volatile boolean closed;

    /** Warm sandboxes of one spec, and how many are being started for it. */
    private static final class Shelf {
        final LinkedBlockingDeque<Sandbox> warm = new LinkedBlockingDeque<>();
        final AtomicInteger starting = new AtomicInteger();
        volatile String lastFailure;
    }

    public SandboxPool(SandboxProvider provider, int warmPerSpec, int maxConcurrent) {
        if (warmPerSpec < 0) throw new IllegalArgumentException("warmPerSpec must be >= 0");
        if (maxConcurrent < 1) throw new IllegalArgumentException("maxConcurrent must be >= 1");
        this.provider = provider;
        this.warmPerSpec = warmPerSpec;
        this.maxConcurrent = maxConcurrent;
        this.room = new Semaphore(maxConcurrent, true);
        int threads = Math.max(1, Math.min(warmPerSpec, 4));
        this.starter = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "evalbox-pool-starter");
            t.setDaemon(true);
            return t;
        });
    }

    public SandboxProvider provider() { return provider; }

    public int maxConcurrent() { return maxConcurrent; }

    /** Starts warming sandboxes of this spec now, so the first acquire does not pay the start. */
    public void prewarm(SandboxSpec spec) {
        refill(shelf(spec), spec);
    }

    /** Warm sandboxes ready for this spec right now. */
    public int warmCount(SandboxSpec spec) {
        Shelf shelf = shelves.get(spec);
        return shelf == null ? 0 : shelf.warm.size();
    }

    /** Waits until {@code count} sandboxes of the spec are warm (or the timeout passes); true if they are. */
    public boolean awaitWarm(SandboxSpec spec, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        prewarm(spec);
        while (warmCount(spec) < count) {
            if (System.nanoTime() > deadline) return false;
            Thread.sleep(20);
        }
        return true;
    }

    /** A sandbox of this spec, ready to run code; close it when the task is done (it is then destroyed). */
    public Sandbox acquire(SandboxSpec spec) {
        if (closed) throw new SandboxException("the sandbox pool is closed");
        Shelf shelf = shelf(spec);
        Sandbox sandbox = takeRoomOrWarm(shelf, spec);
        if (sandbox != null) {
            refill(shelf, spec);
            return new PooledSandbox(sandbox, this::returned);
        }
        try {
            sandbox = provider.open(spec);
        } catch (RuntimeException e) {
            room.release();
            throw e;
        }
        refill(shelf, spec);
        return new PooledSandbox(sandbox, this::returned);
    }

    private void returned(Sandbox sandbox) {
        room.release();
        if (!closed) {
            shelves.forEach((spec, shelf) -> refill(shelf, spec));
        }
    }

    /**
     * A live warm sandbox of the shelf, or null once room for a new one has been taken. Keeps
     * looking at the shelf while it waits: the room it waits for may have gone to a sandbox being
     * warmed for this very spec (refill takes free room first), which then arrives on the shelf.
     */
    private Sandbox takeRoomOrWarm(Shelf shelf, SandboxSpec wanted) {
        try {
            while (true) {
                Sandbox sandbox;
                while ((sandbox = shelf.warm.poll()) != null) {
                    if (sandbox.isAlive()) return sandbox;
                    sandbox.close();
                    room.release();
                }
                if (room.tryAcquire(50, TimeUnit.MILLISECONDS)) return null;
                if (closed) throw new SandboxException("the sandbox pool is closed");
                evictOtherThan(wanted);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while waiting for room in the sandbox pool");
        }
    }

    private void evictOtherThan(SandboxSpec wanted) {
        for (Map.Entry<SandboxSpec, Shelf> entry : shelves.entrySet()) {
            if (entry.getKey().equals(wanted)) continue;
            Sandbox idle = entry.getValue().warm.poll();
            if (idle != null) {
                idle.close();
                room.release();
                return;
            }
        }
    }

    private Shelf shelf(SandboxSpec spec) {
        return shelves.computeIfAbsent(spec, s -> new Shelf());
    }

    private void refill(Shelf shelf, SandboxSpec spec) {
        while (!closed && shelf.warm.size() + shelf.starting.get() < warmPerSpec) {
            if (!room.tryAcquire()) return;
            shelf.starting.incrementAndGet();
            try {
                starter.execute(() -> startWarm(shelf, spec));
            } catch (RuntimeException rejected) {
                shelf.starting.decrementAndGet();
                room.release();
                return;
            }
        }
    }

    private void startWarm(Shelf shelf, SandboxSpec spec) {
        try {
            Sandbox sandbox = provider.open(spec);
            if (closed) {
                sandbox.close();
                room.release();
            } else {
                shelf.warm.add(sandbox);
            }
            shelf.lastFailure = null;
        } catch (RuntimeException e) {
            room.release();
            String reason = String.valueOf(e.getMessage());
            if (!reason.equals(shelf.lastFailure)) {
                LOG.warn("could not pre-start a sandbox: {}", reason); // once per distinct reason, not per retry
            }
            shelf.lastFailure = reason;
        } finally {
            shelf.starting.decrementAndGet();
        }
    }

    /** Destroys the warm sandboxes; sandboxes in use stay usable until their holders close them. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        starter.shutdown();
        try {
            starter.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<Sandbox> idle = new ArrayList<>();
        shelves.values().forEach(shelf -> shelf.warm.drainTo(idle));
        idle.forEach(Sandbox::close);
    }
}
