package dev.evalbox.kernel;

import dev.evalbox.kernel.java.JavaEvaluator;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The Java engine (JShell with the cells' class path and default imports) being built on a thread of
 * its own from the moment {@link #begin} is called: {@code evalbox kernel} calls it first thing, before
 * parsing its command line and binding its sockets, because building the engine (javac's first
 * compiles) takes longer than everything else the kernel does before its first reply, and a front end
 * sends its first cell right after that reply.
 */
public final class EngineStart {
    /** What was built: the settings the kernel then warms up with, and the engine. */
    record Built(KernelSettings settings, JavaEvaluator java, long startedNanos, long builtNanos) {
    }

    private final CompletableFuture<Built> built = new CompletableFuture<>();

    private EngineStart() {
    }

    /** Starts computing {@code settings} and building the engine with them, in the background. */
    public static EngineStart begin(Supplier<KernelSettings> settings) {
        EngineStart start = new EngineStart();
        Thread thread = new Thread(() -> {
            try {
                long started = System.nanoTime();
                KernelSettings chosen = settings.get();
                JavaEvaluator java = new JavaEvaluator(chosen.cellClasspath(), chosen.startup());
                start.built.complete(new Built(chosen, java, started, System.nanoTime()));
            } catch (RuntimeException | Error e) {
                start.built.completeExceptionally(e);
            }
        }, "evalbox-kernel-engine-build");
        thread.setDaemon(true);
        thread.start();
        return start;
    }

    /** Already built, by the caller (tests and kernels without an early start build it on the kernel's engine thread). */
    static EngineStart buildNow(KernelSettings settings) {
        EngineStart start = new EngineStart();
        try {
            long started = System.nanoTime();
            JavaEvaluator java = new JavaEvaluator(settings.cellClasspath(), settings.startup());
            start.built.complete(new Built(settings, java, started, System.nanoTime()));
        } catch (RuntimeException | Error e) {
            start.built.completeExceptionally(e);
        }
        return start;
    }

    /** Waits for the build; throws what it threw. */
    Built join() {
        return built.join();
    }
}
