package dev.evalbox.cli.view;

import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.Goal;
import dev.evalbox.unittests.bench.HeadlessBrowser;
import dev.evalbox.unittests.bench.Measure;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * `evalbox bench view`: a generated run of N tasks (T turns each, a figure per cell) served by
 * `evalbox view` in a JVM of its own, opened in headless Chromium (through {@link HeadlessBrowser}). Times come from
 * the page's Performance API (performance.measure after the rendered rows are laid out and painted):
 * each page's first render from navigation, cold (the server builds the run's index) and warm, and
 * filter changes; the server's resident memory comes from /proc.
 */
public final class ViewBenchmark {
    private static final Pattern URL = Pattern.compile("evalbox view: (http://\\S+)");
    private static final double GOAL_MS = 1000;

    /** @param epochs attempts per task (--epochs): the run page then lists tasks x epochs lines and is filtered by epoch too */
    public record Settings(Path dir, int tasks, int turns, int rounds, Path chromium, int epochs) {
        public Settings(Path dir, int tasks, int turns, int rounds, Path chromium) { this(dir, tasks, turns, rounds, chromium, 1); }
    }

    private final Settings settings;
    private final Consumer<String> log;

    public ViewBenchmark(Settings settings, Consumer<String> log) {
        this.settings = settings;
        this.log = log;
    }

    public BenchReport run() throws IOException, InterruptedException {
        Path runs = settings.dir().resolve("runs");
        Path runDir = runs.resolve("generated-" + settings.tasks());
        long t0 = System.nanoTime();
        GeneratedRun.write(runDir, settings.tasks(), settings.turns(), settings.epochs());
        log.accept("generated " + settings.tasks() + " tasks x " + settings.epochs() + " epochs in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        long bytes = Files.size(runDir.resolve("trajectories.jsonl")) + Files.size(runDir.resolve("results.jsonl"));

        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "dev.evalbox.cli.Main", "view", runs.toString(), "--port", "0")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String url = url(server);
            log.accept("server " + url + " (pid " + server.pid() + ")");
            Map<String, List<Double>> times = new LinkedHashMap<>();
            // the pages are the viewer's own; the model content it shows is in sandboxed frames
            try (HeadlessBrowser browser = HeadlessBrowser.launch(settings.chromium(), List.of("--no-sandbox", "--disable-gpu"))) {
                for (int round = 0; round < settings.rounds(); round++) {
                    String suffix = round == 0 ? " cold" : "";
                    try (HeadlessBrowser.Tab page = browser.newTab()) {
                        page.navigate(url);
                        add(times, "runs" + suffix, rendered(page, "evalbox-runs", true));
                        String key = (String) page.evaluate("() => document.querySelector('#runs tbody tr').getAttribute('data-key')", null);
                        page.navigate("about:blank");
                        page.navigate(url + "#/run/" + key);
                        add(times, "run" + suffix, rendered(page, "evalbox-run", true));
                        for (String status : List.of("failed", "error", "")) {
                            clear(page);
                            page.select("#filter-status", status);
                            add(times, "filter", rendered(page, "evalbox-filter", false));
                        }
                        clear(page);
                        page.select("#filter-category", GeneratedRun.CATEGORIES[round % GeneratedRun.CATEGORIES.length]);
                        add(times, "filter", rendered(page, "evalbox-filter", false));
                        if (settings.epochs() > 1) {
                            for (String epoch : List.of("2", "")) {
                                clear(page);
                                page.select("#filter-epoch", epoch);
                                add(times, "filter", rendered(page, "evalbox-filter", false));
                            }
                        }
                        for (String text : List.of("g1", "g19", "differs")) {
                            clear(page);
                            page.fill("#filter-text", text);
                            add(times, "filter", rendered(page, "evalbox-filter", false));
                        }
                        page.navigate("about:blank");
                        page.navigate(url + "#/run/" + key + "/task/" + (settings.tasks() / 2 + round));
                        add(times, "task", rendered(page, "evalbox-task", true));
                    }
                }
            }
            long rss = status(server.pid(), "VmRSS");
            long peak = status(server.pid(), "VmHWM");
            List<Measure> measures = new ArrayList<>();
            measures.add(ms("runs_cold_ms", "runs page, first render (server indexes the run)", times.get("runs cold")));
            if (times.containsKey("runs")) measures.add(ms("runs_ms", "runs page, first render (warm), median", times.get("runs")));
            measures.add(ms("run_cold_ms", "run page, first render (server indexes trajectories)", times.get("run cold")));
            if (times.containsKey("run")) measures.add(ms("run_ms", "run page, first render (warm), median", times.get("run")));
            measures.add(ms("filter_ms", "run page, filter change, median", times.get("filter")));
            measures.add(new Measure("filter_max_ms", "run page, filter change, slowest", Collections.max(times.get("filter")), "ms", null, Goal.below(GOAL_MS, "ms")));
            measures.add(ms("task_ms", "task page, first render, median", times.get("task")));
            measures.add(new Measure("server_rss_mb", "server resident memory at the end", rss / 1024.0, "MB", null, null));
            measures.add(new Measure("server_peak_rss_mb", "server peak resident memory", peak / 1024.0, "MB", null, null));
            measures.add(new Measure("run_mb", "size of the run's results and trajectories", bytes / 1048576.0, "MB", null, null));
            Map<String, Object> context = new LinkedHashMap<>();
            context.put("tasks", settings.tasks());
            context.put("turns", settings.turns());
            context.put("epochs", settings.epochs());
            context.put("rounds", settings.rounds());
            context.put("browser", settings.chromium().toString());
            context.put("load_average_at_end", loadAverage()); // the machine's load: the times are wall-clock times on it
            return new BenchReport("view", "evalbox view: " + settings.tasks() + " tasks x " + settings.turns() + " turns with figures" + (settings.epochs() > 1 ? ", " + settings.epochs() + " epochs" : "") + ", headless Chromium",
                    context, measures, List.of(
                    "Times are the page's own performance.measure, to after the rendered rows are laid out and painted; first renders count from navigation.",
                    "cold: the first round, right after the server started: a fresh JVM reads results.jsonl, while it reads trajectories.jsonl on a thread of its own;",
                    "the server keeps only the index (row summaries, byte spans per task) and reads a task's lines back when its page is asked for.",
                    "load average at the end: " + loadAverage() + " (wall-clock times on a shared machine grow with it).",
                    "There is no anchor: no other viewer of this run format runs here; the goal is the issue's 1 s."));
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static Measure ms(String key, String name, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return new Measure(key, name, sorted.get(sorted.size() / 2), "ms", null, Goal.below(GOAL_MS, "ms"));
    }

    private static void add(Map<String, List<Double>> times, String name, double value) {
        times.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
    }

    private static void clear(HeadlessBrowser.Tab page) {
        page.evaluate("() => { document.body.removeAttribute('data-rendered'); performance.clearMeasures(); }", null);
    }

    /** The measure's duration, or (fromNavigation) its end: milliseconds since the page's navigation began. */
    private static double rendered(HeadlessBrowser.Tab page, String name, boolean fromNavigation) {
        // a selector wait, not waitForFunction: the page's Content-Security-Policy forbids the eval that one uses
        page.waitFor("body[data-rendered='" + name + "']", Duration.ofMinutes(10));
        Object value = page.evaluate("([n, nav]) => { const m = performance.getEntriesByName(n).pop(); return nav ? m.startTime + m.duration : m.duration; }",
                List.of(name, fromNavigation));
        return ((Number) value).doubleValue();
    }

    private static String url(Process server) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            Matcher m = URL.matcher(line);
            if (m.find()) {
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) { /* keep the pipe empty */ }
                    } catch (IOException e) {
                        // the server ended
                    }
                }, "view-bench-drain");
                drain.setDaemon(true);
                drain.start();
                return m.group(1);
            }
        }
        throw new IllegalStateException("evalbox view ended without printing its URL (exit " + server.exitValue() + ")");
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip().split(" ", 4)[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** A field of /proc/PID/status in kB. */
    private static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
            throw new IllegalStateException("no " + field + " in /proc/" + pid + "/status");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the server's memory from /proc/" + pid + "/status", e);
        }
    }
}
