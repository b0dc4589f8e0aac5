package dev.evalbox.unittests.artifactsbench.bench;

import dev.evalbox.unittests.Workers;
import dev.evalbox.unittests.artifactsbench.ArtifactRenderer;
import dev.evalbox.unittests.artifactsbench.ArtifactsSample;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.Goal;
import dev.evalbox.unittests.bench.Measure;
import dev.evalbox.unittests.bench.ProcessCpu;
import dev.evalbox.unittests.bench.ScratchDirectory;
import dev.evalbox.unittests.artifactsbench.BrowserCpuSampler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * `evalbox bench artifacts-render`: ArtifactsBench rendering throughput (tasks a minute, 3 screenshots
 * each at the renderer's defaults) with each worker's browser kept alive and several pages in flight in
 * it, against the anchor measured in the same run on the same pages: a new browser launched for every
 * task, one task at a time per worker. Both are measured at each worker count, and the best of each compared;
 * and the CPU time each way costs a page: Chromium's processes (from the kernel's accounting of each browser's
 * PID namespace), and everything (Chromium, Playwright's drivers and this JVM).
 */
public final class ArtifactsRenderSpeed {
    /**
     * How many of evalbox's generated pages, the worker counts to measure, how many pages one kept-alive browser has in flight,
     * how each is rendered, and the browser the anchor launches (by default the same as evalbox's; Chromium, to measure
     * against the anchor as it was before evalbox used the headless shell).
     */
    public record Settings(int pages, List<Integer> workers, int pagesInFlight, ArtifactRenderer.Settings render, Path anchorBrowser) {
        public Settings {
            if (pages < 1) throw new IllegalArgumentException("pages must be at least 1, got " + pages);
            if (workers.isEmpty() || workers.stream().anyMatch(w -> w < 1)) {
                throw new IllegalArgumentException("worker counts must be at least 1, got " + workers);
            }
            if (pagesInFlight < 1) throw new IllegalArgumentException("pages in flight must be at least 1, got " + pagesInFlight);
            workers = List.copyOf(workers);
            if (anchorBrowser == null) anchorBrowser = render.chromium();
        }
    }

    /**
     * One way of rendering all the pages: how long it took, how the pages went, and the CPU seconds of Chromium's processes
     * ({@code browserCpu}) and of everything ({@code allCpu}: those, Playwright's drivers and this JVM).
     */
    private record Pass(int workers, double seconds, Map<String, Integer> outcomes, int screenshots, double browserCpu, double allCpu,
                        Map<String, Double> byKind) {
        double perMinute(int pages) { return 60 * pages / seconds; }
    }

    // how often the browsers' processes are looked at for the CPU time by kind of process
    private static final long SAMPLE_MILLIS = 50;

    private final Settings settings;
    private final Consumer<String> progress;

    public ArtifactsRenderSpeed(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run() {
        List<String> pages = ArtifactsSample.pages(settings.pages());
        ArtifactRenderer.Settings render = settings.render().withPagesInFlight(settings.pagesInFlight());
        ArtifactRenderer.Settings anchor = new ArtifactRenderer.Settings(settings.anchorBrowser(), render.width(), render.height(), render.screenshots(),
                render.interval(), render.timeout(), render.pagesInFlight());
        try (ScratchDirectory dir = ScratchDirectory.create("evalbox-bench-render")) {
            // one untimed page each way first, so neither pass pays for cold disk caches of the browser
            progress.accept("warm-up");
            pass(List.of(pages.get(0)), dir.resolve("warm-kept"), 1, () -> new ArtifactRenderer(render));
            pass(List.of(pages.get(0)), dir.resolve("warm-launched"), 1, () -> ArtifactRenderer.browserPerPage(anchor));
            List<Pass> kept = new ArrayList<>();
            List<Pass> launched = new ArrayList<>();
            for (int workers : settings.workers()) {
                progress.accept(pages.size() + " pages, " + workers + " worker(s), browser kept alive, " + settings.pagesInFlight() + " pages in flight each");
                kept.add(pass(pages, dir.resolve("kept-" + workers), workers, () -> new ArtifactRenderer(render)));
                progress.accept(pages.size() + " pages, " + workers + " worker(s), a browser launched per page (anchor)");
                launched.add(pass(pages, dir.resolve("launched-" + workers), workers, () -> ArtifactRenderer.browserPerPage(anchor)));
            }
            return report(kept, launched);
        }
    }

    /** Renders every page with {@code workers} workers, each taking pages from a shared queue into its own renderer. */
    private Pass pass(List<String> pages, Path dir, int workers, Supplier<ArtifactRenderer> renderer) {
        Queue<Integer> queue = new ConcurrentLinkedQueue<>(IntStream.range(0, pages.size()).boxed().toList());
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        AtomicInteger shots = new AtomicInteger();
        List<ArtifactRenderer> renderers = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProcessCpu cpuBefore = ProcessCpu.now();
        BrowserCpuSampler sampler = BrowserCpuSampler.start(SAMPLE_MILLIS);
        long started = System.nanoTime();
        Workers.run(IntStream.range(0, workers).boxed().toList(), workers, () -> {
            ArtifactRenderer r = renderer.get();
            renderers.add(r);
            return r;
        }, (r, worker) -> r.renderAll(() -> {
            Integer i = queue.poll();
            return i == null ? null : new ArtifactRenderer.Job(pages.get(i), dir.resolve(Integer.toString(i)), "page");
        }, (job, rendering) -> {
            outcomes.merge(rendering.outcome(), 1, Integer::sum);
            shots.addAndGet(rendering.screenshots().size());
        }));
        double seconds = (System.nanoTime() - started) / 1e9;
        sampler.close();
        // the renderers are closed: their browsers and drivers have exited and been counted
        ProcessCpu cpu = ProcessCpu.now().minus(cpuBefore);
        double browserCpu = renderers.stream().mapToDouble(ArtifactRenderer::browserCpuSeconds).sum();
        // all: this JVM's own time and every process it started as seen in /proc (its children's time as the kernel counts it
        // leaves out what the browsers' PID namespaces' ends killed)
        Map<String, Double> byKind = sampler.secondsByKind();
        double all = cpu.self() + byKind.values().stream().mapToDouble(Double::doubleValue).sum();
        return new Pass(workers, seconds, new TreeMap<>(outcomes), shots.get(), browserCpu, all, byKind);
    }

    /** CPU seconds by kind of process over the passes, as the sampler saw them, Playwright's driver included. */
    private static Map<String, Double> byKind(List<Pass> passes) {
        Map<String, Double> sum = new TreeMap<>();
        for (Pass p : passes) p.byKind().forEach((kind, seconds) -> sum.merge(kind, seconds, Double::sum));
        return sum;
    }

    /** The CPU seconds the sampler saw Chromium's processes (and the isolation wrapper) use: every kind but the driver and "other". */
    private static double chromiumSeen(Map<String, Double> byKind) {
        return byKind.entrySet().stream().filter(e -> !e.getKey().equals(BrowserCpuSampler.DRIVER) && !e.getKey().equals(BrowserCpuSampler.OTHER))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    private BenchReport report(List<Pass> kept, List<Pass> launched) {
        int n = settings.pages();
        int inFlight = settings.pagesInFlight();
        ArtifactRenderer.Settings r = settings.render();
        List<Measure> measures = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            Pass k = kept.get(i);
            Pass l = launched.get(i);
            String level = k.workers() + " worker" + (k.workers() == 1 ? "" : "s");
            measures.add(new Measure("wall_s_w" + k.workers(), "wall time, " + level + ", kept alive with " + inFlight
                    + " pages in flight (anchor: one launch per page)", k.seconds(), "s", l.seconds(), null));
            measures.add(new Measure("tasks_per_min_w" + k.workers(), "throughput, " + level, k.perMinute(n), "tasks/min", l.perMinute(n), null));
            measures.add(Measure.of("speedup_w" + k.workers(), "throughput ratio, " + level + ", kept alive / launched per page",
                    l.seconds() / k.seconds(), "x", null));
            measures.add(new Measure("cpu_s_per_page_w" + k.workers(), "CPU per page, Chromium's processes (seen in /proc), " + level,
                    chromiumSeen(k.byKind()) / n, "s", chromiumSeen(l.byKind()) / n, null));
            measures.add(new Measure("cpu_s_per_page_all_w" + k.workers(), "CPU per page, all (Chromium, Playwright, evalbox), " + level,
                    k.allCpu() / n, "s", l.allCpu() / n, null));
        }
        Pass bestKept = kept.stream().min(Comparator.comparingDouble(Pass::seconds)).orElseThrow();
        Pass bestLaunched = launched.stream().min(Comparator.comparingDouble(Pass::seconds)).orElseThrow();
        measures.add(new Measure("tasks_per_min_best", "best throughput: kept alive at " + bestKept.workers() + " worker(s) (anchor: launched per page at "
                + bestLaunched.workers() + ")", bestKept.perMinute(n), "tasks/min", bestLaunched.perMinute(n), null));
        measures.add(Measure.of("speedup", "throughput ratio, best kept alive / best launched per page",
                bestLaunched.seconds() / bestKept.seconds(), "x", Goal.atLeast(4, "x")));
        Map<String, Double> keptKinds = byKind(kept);
        Map<String, Double> launchedKinds = byKind(launched);
        double keptCpu = chromiumSeen(keptKinds);
        double launchedCpu = chromiumSeen(launchedKinds);
        double pagesEachWay = (double) n * kept.size();
        measures.add(new Measure("cpu_s_per_page", "CPU per page, Chromium's processes (seen in /proc), every worker count", keptCpu / pagesEachWay, "s",
                launchedCpu / pagesEachWay, null));
        measures.add(Measure.of("cpu_ratio", "CPU per page ratio, launched per page / kept alive (Chromium's processes)",
                launchedCpu / keptCpu, "x", Goal.atLeast(3, "x")));
        measures.add(new Measure("cpu_s_per_page_waited", "CPU per page, Chromium's processes that were waited for (kernel's count)",
                kept.stream().mapToDouble(Pass::browserCpu).sum() / pagesEachWay, "s",
                launched.stream().mapToDouble(Pass::browserCpu).sum() / pagesEachWay, null));
        // where the time goes, by kind of process, over every worker count
        java.util.Set<String> kinds = new java.util.TreeSet<>(keptKinds.keySet());
        kinds.addAll(launchedKinds.keySet());
        for (String kind : kinds) {
            measures.add(new Measure("cpu_s_per_page_" + kind.replaceAll("[^A-Za-z0-9]+", "_").toLowerCase(java.util.Locale.ROOT),
                    "CPU per page, " + kind, keptKinds.getOrDefault(kind, 0.0) / pagesEachWay, "s",
                    launchedKinds.getOrDefault(kind, 0.0) / pagesEachWay, null));
        }

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("pages", n);
        context.put("workers", settings.workers());
        context.put("pages_in_flight", inFlight);
        context.put("browser", r.chromium().toString());
        context.put("anchor_browser", settings.anchorBrowser().toString());
        context.put("viewport", r.width() + "x" + r.height());
        context.put("screenshots_per_page", r.screenshots());
        context.put("interval_ms", r.interval().toMillis());
        context.put("host_cpus", Runtime.getRuntime().availableProcessors());
        context.put("best_workers_kept_alive", bestKept.workers());
        context.put("best_workers_launched", bestLaunched.workers());
        Map<String, Object> outcomesKept = new LinkedHashMap<>();
        Map<String, Object> outcomesLaunched = new LinkedHashMap<>();
        kept.forEach(p -> outcomesKept.put(Integer.toString(p.workers()), p.outcomes()));
        launched.forEach(p -> outcomesLaunched.put(Integer.toString(p.workers()), p.outcomes()));
        context.put("outcomes_kept_alive", outcomesKept);
        context.put("outcomes_launched", outcomesLaunched);
        context.put("screenshots_kept_alive", kept.stream().mapToInt(Pass::screenshots).sum());
        context.put("screenshots_launched", launched.stream().mapToInt(Pass::screenshots).sum());
        List<String> notes = List.of(
                "pages: evalbox's own generated pages (a form tool, an SVG scene and a canvas animation in turn, each with its own colours),"
                        + " the same pages both ways, rendered as `grade artifactsbench` renders: " + r.width() + "x" + r.height() + ", "
                        + r.screenshots() + " full-page screenshots " + r.interval().toMillis() + " ms apart, network blocked but the page.",
                "kept alive: each worker keeps one browser and has up to " + inFlight + " pages in flight in it, each in a fresh context,"
                        + " so their waits between screenshots overlap.",
                "browser: " + r.chromium() + "; anchor: " + settings.anchorBrowser() + ".",
                "anchor: a new headless Chromium launched and closed for every page, one page at a time per worker (batching would need"
                        + " a browser per page in flight); each worker keeps its Playwright driver.",
                "outcomes by worker count: kept alive " + outcomesKept + ", launched " + outcomesLaunched + ".",
                "CPU: Chromium's processes are every process of each browser (browser, renderers, GPU, utilities, zygotes, crash handler)"
                        + " and the isolation wrapper, user + system time as last seen in /proc, looked at every " + SAMPLE_MILLIS + " ms"
                        + " (a process's last moments after its last look are missed, so this is a lower bound), also by kind of process"
                        + " below. \"Waited for\" is the kernel's count as each browser's PID namespace ends: it misses every process that"
                        + " namespace's end kills (the kernel reaps those without counting them: the zygotes, and with them the renderers"
                        + " they reaped), so it is far lower. \"All\" is this JVM's own time (/proc/self/stat) and every process it started"
                        + " as seen in /proc (Chromium's, Playwright's drivers).",
                "the goal is the issue's (best against best); the values are what this machine measured under its load at the time.");
        String title = "evalbox bench artifacts-render: " + n + " pages x " + r.screenshots() + " screenshots, workers " + settings.workers()
                + ", " + inFlight + " pages in flight per kept-alive browser";
        return new BenchReport("artifacts-render", title, context, measures, notes);
    }

}
