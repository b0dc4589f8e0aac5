package dev.evalbox.cli.bench;

import dev.evalbox.unittests.Workers;
import dev.evalbox.unittests.artifactsbench.ArtifactRenderer;
import dev.evalbox.unittests.artifactsbench.ArtifactsSample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * `evalbox bench artifacts-render`: ArtifactsBench rendering throughput (tasks a minute, 3 screenshots
 * each at the renderer's defaults) with the browser kept alive and a fresh context per task, against
 * the anchor measured in the same run on the same pages: a new browser launched for every task.
 */
public final class ArtifactsRenderBenchmark {
    /** How many of evalbox's generated pages, how many rendered at once, and how each is rendered. */
    public record Settings(int pages, int concurrency, ArtifactRenderer.Settings render) {
        public Settings {
            if (pages < 1) throw new IllegalArgumentException("pages must be at least 1, got " + pages);
            if (concurrency < 1) throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
        }
    }

    /** One way of rendering all the pages: how long it took and how the pages went. */
    private record Pass(double seconds, Map<String, Integer> outcomes, int screenshots) { }

    private final Settings settings;
    private final Consumer<String> progress;

    public ArtifactsRenderBenchmark(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run() {
        List<String> pages = ArtifactsSample.pages(settings.pages());
        Path dir;
        try {
            dir = Files.createTempDirectory("evalbox-bench-render");
        } catch (IOException e) {
            throw new BenchException("cannot create a temporary directory for the screenshots", e);
        }
        try {
            // one untimed page each way first, so neither pass pays for cold disk caches of the browser
            progress.accept("warm-up");
            pass(List.of(pages.get(0)), dir.resolve("warm-kept"), 1, () -> new ArtifactRenderer(settings.render()));
            pass(List.of(pages.get(0)), dir.resolve("warm-launched"), 1, () -> ArtifactRenderer.browserPerPage(settings.render()));
            progress.accept(pages.size() + " pages, browser kept alive (fresh context per page), concurrency " + settings.concurrency());
            Pass kept = pass(pages, dir.resolve("kept"), settings.concurrency(), () -> new ArtifactRenderer(settings.render()));
            progress.accept(pages.size() + " pages, a browser launched per page (anchor), concurrency " + settings.concurrency());
            Pass launched = pass(pages, dir.resolve("launched"), settings.concurrency(), () -> ArtifactRenderer.browserPerPage(settings.render()));
            return report(kept, launched);
        } finally {
            delete(dir);
        }
    }

    private Pass pass(List<String> pages, Path dir, int concurrency, Supplier<ArtifactRenderer> renderer) {
        Map<String, Integer> outcomes = new ConcurrentHashMap<>();
        Map<Integer, Integer> shots = new ConcurrentHashMap<>();
        long started = System.nanoTime();
        Workers.run(IntStream.range(0, pages.size()).boxed().toList(), concurrency, renderer::get, (r, i) -> {
            ArtifactRenderer.Rendering rendering = r.render(pages.get(i), dir.resolve(Integer.toString(i)), "page");
            outcomes.merge(rendering.outcome(), 1, Integer::sum);
            shots.put(i, rendering.screenshots().size());
        });
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Pass(seconds, new TreeMap<>(outcomes), shots.values().stream().mapToInt(Integer::intValue).sum());
    }

    private BenchReport report(Pass kept, Pass launched) {
        int n = settings.pages();
        ArtifactRenderer.Settings r = settings.render();
        String what = n + " pages x " + r.screenshots() + " screenshots, concurrency " + settings.concurrency();
        List<Measure> measures = new ArrayList<>();
        measures.add(new Measure("wall_s", "wall time, browser kept alive (anchor: one launch per page)", kept.seconds(), "s", launched.seconds(), null));
        measures.add(new Measure("tasks_per_min", "rendering throughput, browser kept alive (anchor: one launch per page)", 60 * n / kept.seconds(),
                "tasks/min", 60 * n / launched.seconds(), null));
        measures.add(Measure.of("speedup", "throughput ratio, kept alive / launched per page", launched.seconds() / kept.seconds(), "x",
                Goal.atLeast(4, "x")));
        double waiting = (r.screenshots() - 1) * r.interval().toMillis() / 1000.0;
        double keptPerTask = kept.seconds() * settings.concurrency() / n;
        double launchedPerTask = launched.seconds() * settings.concurrency() / n;
        measures.add(Measure.of("kept_s_per_task", "time per task per worker, browser kept alive (" + String.format("%.1f", waiting)
                + " s of it waiting between screenshots)", keptPerTask, "s", null));
        measures.add(Measure.of("launched_s_per_task", "time per task per worker, a browser launched per page", launchedPerTask, "s", null));
        measures.add(Measure.of("work_ratio", "ratio of the time beyond the waits, launched per page / kept alive",
                (launchedPerTask - waiting) / Math.max(1e-9, keptPerTask - waiting), "x", null));

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("pages", n);
        context.put("concurrency", settings.concurrency());
        context.put("viewport", r.width() + "x" + r.height());
        context.put("screenshots_per_page", r.screenshots());
        context.put("interval_ms", r.interval().toMillis());
        context.put("host_cpus", Runtime.getRuntime().availableProcessors());
        context.put("outcomes_kept_alive", kept.outcomes());
        context.put("outcomes_launched", launched.outcomes());
        context.put("screenshots_kept_alive", kept.screenshots());
        context.put("screenshots_launched", launched.screenshots());
        List<String> notes = List.of(
                "pages: evalbox's own generated pages (a form tool, an SVG scene and a canvas animation in turn, each with its own colours),"
                        + " the same pages both ways, rendered as `grade artifactsbench` renders: " + r.width() + "x" + r.height() + ", "
                        + r.screenshots() + " full-page screenshots " + r.interval().toMillis() + " ms apart, network blocked but the page.",
                "anchor: a new headless Chromium launched and closed for every page, the same number of workers (each keeps its Playwright driver).",
                "outcomes: kept alive " + kept.outcomes() + ", launched " + launched.outcomes() + "; screenshots " + kept.screenshots() + " and "
                        + launched.screenshots() + ".",
                String.format("the %.1f s each task waits between its screenshots is the same both ways and bounds the ratio;"
                        + " the goal is the issue's, the value is what this machine measured.", waiting));
        return new BenchReport("artifacts-render", "evalbox bench artifacts-render: " + what, context, measures, notes);
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the benchmark's screenshots in " + dir, e);
        }
    }
}
