package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.Format;
import dev.evalbox.unittests.bench.Goal;
import dev.evalbox.unittests.bench.Measure;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code evalbox bench sandbox}: evalbox's Docker sandboxes against their goals, with the round
 * trip anchored on Jupyter's own pipe measured in the same run on the same image.
 *
 * <p>Each part gets its own provider, closed (which waits for its containers' removal) before the
 * next part starts, so one part's clean-up does not load the engine while another is timed and
 * every container is gone when the run ends, however it ends.
 */
public final class SandboxBenchmark {
    static final double SPEED_UP_GOAL = 3.0;
    static final double ACQUIRE_GOAL_MS = 20.0;
    static final double COLD_START_GOAL_MS = 1000.0;
    static final double IDLE_MEMORY_GOAL_MIB = 60.0;

    private final BenchSettings settings;
    private final Consumer<String> progress;

    public SandboxBenchmark(BenchSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run() {
        double loadBefore = loadAverage();
        CellRoundTrip.Result roundTrip = onFreshProvider(p -> CellRoundTrip.measure(p, settings, progress));
        Percentiles cold = onFreshProvider(p -> ColdStart.measure(p, settings, progress));
        Percentiles acquire = onFreshProvider(p -> WarmAcquire.measure(p, settings, progress));
        Percentiles memory = onFreshProvider(p -> IdleMemory.measure(p, settings, progress));
        PoolThroughput.Result throughput = onFreshProvider(p -> PoolThroughput.measure(p, settings, progress));
        return report(roundTrip, cold, acquire, memory, throughput, new HostLoad(loadBefore, loadAverage()));
    }

    /** The host's one-minute load average when the run started and when it ended. */
    private record HostLoad(double before, double after) { }

    /**
     * The host's one-minute load average (-1 where the OS does not say). Printed with the results
     * because timings on a busy shared host are not comparable with timings on a quiet one.
     */
    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static <T> T onFreshProvider(Function<DockerSandboxProvider, T> part) {
        try (DockerSandboxProvider provider = new DockerSandboxProvider()) {
            return part.apply(provider);
        }
    }

    private BenchReport report(CellRoundTrip.Result roundTrips, Percentiles cold, Percentiles acquire,
                               Percentiles memory, PoolThroughput.Result throughput, HostLoad load) {
        Percentiles roundTrip = roundTrips.evalbox();
        Percentiles anchorTrip = roundTrips.anchor();
        KernelAnchor.Info anchor = roundTrips.anchorInfo();
        List<Measure> measures = new ArrayList<>();
        measures.add(new Measure("round_trip_p50", "cell round trip `1+1`, p50", roundTrip.p50(), "ms",
                anchorTrip.p50(), Goal.fasterThanAnchor(SPEED_UP_GOAL)));
        measures.add(new Measure("round_trip_p95", "cell round trip `1+1`, p95", roundTrip.p95(), "ms",
                anchorTrip.p95(), Goal.fasterThanAnchor(SPEED_UP_GOAL)));
        measures.add(Measure.of("round_trip_speedup", "round trip speed-up over anchor (p50 / p50)",
                anchorTrip.p50() / roundTrip.p50(), "x", Goal.atLeast(SPEED_UP_GOAL, "x")));
        measures.add(Measure.of("acquire_warm_p50", "acquire from warm pool, p50", acquire.p50(), "ms",
                Goal.below(ACQUIRE_GOAL_MS, "ms")));
        measures.add(Measure.of("acquire_warm_p95", "acquire from warm pool, p95", acquire.p95(), "ms",
                Goal.below(ACQUIRE_GOAL_MS, "ms")));
        measures.add(Measure.of("cold_start_p50", "cold start to first result, p50", cold.p50(), "ms",
                Goal.below(COLD_START_GOAL_MS, "ms")));
        measures.add(Measure.of("idle_memory_mean", "memory per idle sandbox, mean", memory.mean(), "MiB",
                Goal.below(IDLE_MEMORY_GOAL_MIB, "MiB")));
        measures.add(Measure.of("idle_memory_max", "memory per idle sandbox, max", memory.max(), "MiB",
                Goal.below(IDLE_MEMORY_GOAL_MIB, "MiB")));
        measures.add(Measure.of("throughput", "throughput, " + throughput.cells() + " cells / " + throughput.concurrency()
                + " sandboxes", throughput.cellsPerSecond(), "cells/s", null));
        measures.add(Measure.of("throughput_wall_time", "wall time for " + throughput.cells() + " cells",
                throughput.wallSeconds(), "s", null));

        SandboxSpec spec = settings.spec();
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("backend", "docker");
        context.put("image", settings.image());
        context.put("host_cpus", Runtime.getRuntime().availableProcessors());
        context.put("host_load_before", Format.rounded(load.before()));
        context.put("host_load_after", Format.rounded(load.after()));
        context.put("sandbox_cpus", spec.cpus());
        context.put("sandbox_memory_mib", spec.memoryBytes() >> 20);
        context.put("samples", settings.samples());
        context.put("warmup", settings.warmup());
        context.put("acquire_samples", settings.acquireSamples());
        context.put("cold_samples", settings.coldSamples());
        context.put("idle_sandboxes", settings.idleSandboxes());
        context.put("cells", settings.cells());
        context.put("concurrency", settings.concurrency());
        Map<String, Object> anchorInfo = new LinkedHashMap<>();
        anchorInfo.put("python", anchor.python());
        anchorInfo.put("ipykernel", anchor.ipykernel());
        anchorInfo.put("jupyter_client", anchor.jupyterClient());
        anchorInfo.put("method", anchor.method());
        context.put("anchor", anchorInfo);

        List<String> notes = List.of(
                "evalbox: Sandbox.execute on a warm Docker sandbox (" + Format.number(spec.cpus()) + " CPU, "
                        + (spec.memoryBytes() >> 20) + " MiB, hardened defaults), timed in the JVM across the attach stream;"
                        + " " + settings.samples() + " samples after " + settings.warmup() + " warm-up.",
                "anchor: jupyter_client " + anchor.jupyterClient() + " -> ipykernel " + anchor.ipykernel() + " (Python "
                        + anchor.python() + "), client and kernel in one container of the same image, no CPU limit,"
                        + " execute_interactive until execute_reply and idle; same sample counts, timed in blocks"
                        + " interleaved with evalbox's.",
                "memory: container usage minus inactive file cache, as `docker stats` shows it, after "
                        + settings.idleSandboxes() + " sandboxes started and idled.",
                "cold start: provider.open to the first `1+1` result, p50 of " + settings.coldSamples()
                        + "; acquire: p50/p95 of " + settings.acquireSamples() + " warm hand-overs.",
                "host: " + Runtime.getRuntime().availableProcessors() + " CPUs, 1-minute load average "
                        + Format.number(load.before()) + " before the run and " + Format.number(load.after())
                        + " after it; on a busy host every timing is slower, evalbox's (JVM, dockerd, container) more than the anchor's.");
        String title = "evalbox bench sandbox: " + settings.image() + " on docker, "
                + Runtime.getRuntime().availableProcessors() + " host CPUs";
        return new BenchReport("sandbox", title, context, measures, notes);
    }
}
