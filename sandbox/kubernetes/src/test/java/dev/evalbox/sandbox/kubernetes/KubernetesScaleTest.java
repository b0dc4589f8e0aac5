package dev.evalbox.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxSpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Simulated scale: 2,000 sandboxes claimed and released against the mock API server, in two waves of 1,000 held
 * at once, each running one cell over its own attach connection. The pods' drivers are scripted stand-ins
 * ({@link ScriptedDriverRuntime}); the harness side is the real provider, informer, attach channel and protocol
 * reader. It reports the JVM's CPU time, heap and threads per sandbox; the mock API server runs in the same
 * JVM, so the CPU and heap are upper bounds for the harness (the mock's event-loop CPU is reported apart).
 * What it asserts is shape, not speed: every sandbox ran its cell, every pod is gone afterwards, and the
 * harness does not grow a thread per sandbox.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class KubernetesScaleTest {
    private static final int WAVE = 1000;
    private static final int WAVES = 2;
    private static final int OPENERS = 32;

    @Test
    void twoThousandSandboxesAreClaimedAndReleasedWithoutAThreadEach() throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        SandboxSpec spec = SandboxSpec.python().startTimeout(Duration.ofMinutes(5))
                .backendOption(KubernetesOptions.CREATE_RATE, "1000").build();
        ExecutorService openers = Executors.newFixedThreadPool(OPENERS);
        ((ThreadPoolExecutor) openers).prestartAllCoreThreads();
        try (MockCluster cluster = new MockCluster(ScriptedDriverRuntime::new);
             KubernetesSandboxProvider provider = new KubernetesSandboxProvider(cluster.config(), "run-scale")) {
            provider.open(spec).close(); // the provider's informer, lease and policy: once, before the baseline
            System.gc();
            int baseThreads = threads.getThreadCount();
            long baseHeap = usedHeap();
            long baseCpu = os.getProcessCpuTime();
            long baseMockCpu = cpuOf(threads, "vert.x");
            long started = System.nanoTime();
            int peakThreads = 0;
            long peakHeap = 0;
            int ran = 0;
            for (int wave = 0; wave < WAVES; wave++) {
                List<Future<Sandbox>> opening = new ArrayList<>();
                for (int i = 0; i < WAVE; i++) opening.add(openers.submit(() -> provider.open(spec)));
                List<Sandbox> held = new ArrayList<>();
                for (Future<Sandbox> f : opening) held.add(f.get());
                List<Future<ExecutionResult>> cells = new ArrayList<>();
                for (Sandbox s : held) cells.add(openers.submit(() -> s.execute("print('ok')")));
                for (Future<ExecutionResult> f : cells) {
                    ExecutionResult r = f.get();
                    assertTrue(r.ok() && r.stdout().equals("ok\n"), r.toString());
                    ran++;
                }
                System.gc();
                peakThreads = Math.max(peakThreads, threads.getThreadCount());
                peakHeap = Math.max(peakHeap, usedHeap());
                for (Sandbox s : held) s.close();
            }
            long wall = System.nanoTime() - started;
            long cpu = os.getProcessCpuTime() - baseCpu;
            long mockCpu = cpuOf(threads, "vert.x") - baseMockCpu;
            awaitNoPods(provider);
            int total = WAVE * WAVES;
            assertEquals(total, ran);
            assertEquals(total + 1, provider.stats().created());
            int extraThreads = peakThreads - baseThreads;
            System.out.printf("SCALE %d sandboxes (%d waves of %d held at once, %d opener threads), %s, %d CPUs, max heap %d MiB%n",
                    total, WAVES, WAVE, OPENERS, System.getProperty("java.vm.name") + " " + Runtime.version(),
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf("SCALE wall %.1f s; JVM CPU %.1f s (%.2f ms per sandbox), of which the mock API server's event loop %.1f s%n",
                    wall / 1e9, cpu / 1e9, cpu / 1e6 / total, mockCpu / 1e9);
            System.out.printf("SCALE heap at %d held: +%d MiB over the baseline (%.1f KiB per sandbox, mock API server's store included)%n",
                    WAVE, (peakHeap - baseHeap) >> 20, (peakHeap - baseHeap) / 1024.0 / WAVE);
            System.out.printf("SCALE threads at %d held: %d (baseline %d): %+d, %.3f per sandbox%n",
                    WAVE, peakThreads, baseThreads, extraThreads, extraThreads / (double) WAVE);
            System.out.printf("SCALE provider: %s%n", provider.stats());
            assertTrue(extraThreads < 100, "the harness grew " + extraThreads + " threads for " + WAVE + " sandboxes held at once");
        } finally {
            openers.shutdownNow();
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long cpuOf(ThreadMXBean threads, String prefix) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) total += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
        }
        return total;
    }

    private static void awaitNoPods(KubernetesSandboxProvider provider) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5); // a hang guard
        while (!provider.livePods().isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError(provider.livePods().size() + " pods left");
            Thread.sleep(200);
        }
    }
}
