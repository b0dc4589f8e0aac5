package dev.evalbox.cli.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.MemoryStatsConfig;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.StatsConfig;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.bench.BenchException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Memory of idle sandboxes, read the way {@code docker stats} shows it: the container cgroup's
 * usage minus its inactive file cache (cgroup v1 {@code total_inactive_file}, v2
 * {@code inactive_file}), i.e. what the sandbox really holds, not page cache it would give back.
 */
final class IdleMemory {
    /** Lets the interpreters finish start-up allocation before they are weighed. */
    private static final long SETTLE_MILLIS = 1000;
    private static final double MIB = 1024.0 * 1024.0;

    private IdleMemory() { }

    static Percentiles measure(SandboxProvider provider, BenchSettings settings, Consumer<String> progress) {
        progress.accept("memory per idle sandbox: " + settings.idleSandboxes() + " sandboxes started and left idle");
        List<Sandbox> sandboxes = new ArrayList<>();
        // Not the common pool: it has one thread on a two-CPU machine, and these threads only wait.
        ExecutorService readers = Executors.newFixedThreadPool(settings.idleSandboxes());
        try (DockerClient client = DockerEngine.connect()) {
            for (int i = 0; i < settings.idleSandboxes(); i++) sandboxes.add(provider.open(settings.spec()));
            Thread.sleep(SETTLE_MILLIS);
            // One-shot stats take about a second each (the engine samples once a second): read them together.
            List<CompletableFuture<Double>> reads = sandboxes.stream()
                    .map(s -> CompletableFuture.supplyAsync(() -> mebibytes(client, s.id()), readers)).toList();
            List<Double> mib = new ArrayList<>();
            for (CompletableFuture<Double> read : reads) mib.add(read.join());
            return Percentiles.of(mib);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) throw cause;
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while measuring memory");
        } catch (IOException e) {
            throw new BenchException("closing the Docker client: " + e.getMessage(), e);
        } finally {
            readers.shutdownNow();
            sandboxes.forEach(Sandbox::close);
        }
    }

    private static double mebibytes(DockerClient client, String containerId) {
        AtomicReference<Statistics> seen = new AtomicReference<>();
        try (ResultCallback.Adapter<Statistics> callback = client.statsCmd(containerId).withNoStream(true)
                .exec(new ResultCallback.Adapter<>() {
                    @Override
                    public void onNext(Statistics statistics) {
                        seen.compareAndSet(null, statistics);
                    }
                })) {
            callback.awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while reading the stats of container " + containerId);
        } catch (IOException e) {
            // closing a finished stats stream: nothing left to lose
        }
        Statistics statistics = seen.get();
        MemoryStatsConfig memory = statistics == null ? null : statistics.getMemoryStats();
        if (memory == null || memory.getUsage() == null) {
            throw new BenchException("the Docker engine reported no memory usage for container " + containerId);
        }
        return (memory.getUsage() - inactiveFile(memory.getStats())) / MIB;
    }

    /** Same rule as the docker CLI (20.10+): cgroup v1's total_inactive_file, else v2's inactive_file. */
    private static long inactiveFile(StatsConfig stats) {
        if (stats == null) return 0;
        if (stats.getTotalInactiveFile() != null) return stats.getTotalInactiveFile();
        return stats.getInactiveFile() == null ? 0 : stats.getInactiveFile();
    }
}
