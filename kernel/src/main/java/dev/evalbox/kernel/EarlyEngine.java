package dev.evalbox.kernel;

import dev.evalbox.kernel.java.JavaEvaluator;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The Java engine of a kernel about to start, started before the command line is read: Jupyter sends
 * its first cell right after the kernel's first reply, and javac's first compile (half a second of
 * a fresh JVM's time) is then done or nearly, instead of ahead of that cell. The kernel made next
 * with the same settings takes it over; any other makes its own.
 */
final class EarlyEngine {
    private static final AtomicReference<EarlyEngine> WAITING = new AtomicReference<>();

    private final KernelSettings settings;
    private final CompletableFuture<JavaEvaluator> evaluator = new CompletableFuture<>();
    private final long started = System.nanoTime();
    /** When the first plain cell had compiled and run (System.nanoTime), or 0 before; for the kernel's trace. */
    private volatile long warm;

    private EarlyEngine(KernelSettings settings) {
        this.settings = settings;
    }

    /** Starts the engine for a kernel with {@code settings}, on a thread of its own; it compiles and runs a first plain cell. */
    static void start(KernelSettings settings) {
        EarlyEngine engine = new EarlyEngine(settings);
        if (!WAITING.compareAndSet(null, engine)) {
            return;
        }
        Thread thread = new Thread(() -> {
            try {
                JavaEvaluator java = JavaEvaluator.withShellLater(settings.cellClasspath(), settings.startup());
                engine.evaluator.complete(java);
                java.warmUpBeforeShell(KernelSettings.FIRST_WARM_UP);
                engine.warm = System.nanoTime();
            } catch (RuntimeException | Error e) {
                engine.evaluator.completeExceptionally(e);
            }
        }, "evalbox-kernel-engine-early");
        thread.setDaemon(true);
        thread.start();
    }

    /** The engine started for {@code settings}, taken (once), or null when none was. */
    static EarlyEngine take(KernelSettings settings) {
        EarlyEngine engine = WAITING.get();
        return engine != null && engine.settings.equals(settings) && WAITING.compareAndSet(engine, null) ? engine : null;
    }

    /** For the kernel's trace: when this started and when its first plain cell was done (0: not yet), System.nanoTime. */
    long started() {
        return started;
    }

    long warm() {
        return warm;
    }

    /** The evaluator, once made (its first plain cell may still be compiling); throws what made it fail. */
    JavaEvaluator evaluator() {
        return evaluator.join();
    }
}
