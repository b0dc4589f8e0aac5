package dev.evalbox.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.unittests.bench.BenchException;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.Format;
import dev.evalbox.unittests.bench.Goal;
import dev.evalbox.unittests.bench.Measure;
import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.unittests.host.HostCommandException;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code evalbox bench kernel}: the evalbox kernel and a Python ipykernel, each started from its
 * kernelspec and driven by the same jupyter_client script ({@code kernel_roundtrip.py}) in the
 * same run: start to first reply, then round trips of a trivial cell (execute_request to idle).
 */
public final class KernelBenchmark {
    static final double START_GOAL_MS = 1500.0;
    /** The targets: the first cell after start, a run displayed, and the round trip against ipykernel's. */
    static final double FIRST_CELL_GOAL_MS = 150.0;
    static final double DISPLAY_GOAL_MS = 1000.0;
    static final double ROUND_TRIP_FACTOR = 1.5;
    /** Displays of the generated run per round: the first one, then repeats for a warm median. */
    private static final int DISPLAYS = 5;
    /** One round of one kernel (start, warm-up, the timed cells); past this the script or a kernel is stuck. */
    private static final Duration MEASURE_TIMEOUT = Duration.ofMinutes(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the kernelspecs are ({@code jupyterPath}, JUPYTER_PATH), which kernels to compare and how much to run. */
    public record Settings(String python, Path jupyterPath, String evalboxKernel, String anchorKernel, String code,
                           int cells, int rounds, int displayTasks) {
    }

    private record Run(double startMs, double firstCellMs, List<Double> roundTrips, List<Double> commentTrips,
                       List<Double> displays) {
    }

    private final Settings settings;
    private final Consumer<String> progress;

    public KernelBenchmark(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run() throws IOException {
        Path script = Files.createTempFile("evalbox-kernel-roundtrip", ".py");
        try (InputStream in = KernelBenchmark.class.getResourceAsStream("/dev/evalbox/cli/bench/kernel_roundtrip.py")) {
            Files.write(script, in.readAllBytes());
        }
        Path run = GeneratedRun.write(settings.jupyterPath().resolve("generated-run"), settings.displayTasks());
        String evalboxDisplay = "run(" + javaString(run.toString()) + ")";
        String anchorDisplay = anchorDisplayCell(run);
        double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        List<Run> evalbox = new ArrayList<>();
        List<Run> anchor = new ArrayList<>();
        try {
            // Rounds alternate the two kernels so a change in the host's load touches both alike.
            for (int round = 1; round <= settings.rounds(); round++) {
                progress.accept("round " + round + "/" + settings.rounds() + ": " + settings.anchorKernel());
                anchor.add(measure(script, settings.anchorKernel(), "# only a comment", anchorDisplay));
                progress.accept("round " + round + "/" + settings.rounds() + ": " + settings.evalboxKernel());
                evalbox.add(measure(script, settings.evalboxKernel(), "// only a comment", evalboxDisplay));
            }
        } finally {
            Files.deleteIfExists(script);
        }
        double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return report(evalbox, anchor, loadBefore, loadAfter);
    }

    private Run measure(Path script, String kernel, String comment, String display) throws IOException {
        HostCommand measure = HostCommand.of(settings.python(), script.toString(), kernel,
                        String.valueOf(settings.cells()), settings.code(), comment, display, String.valueOf(DISPLAYS))
                .env("JUPYTER_PATH", settings.jupyterPath().toString()).timeout(MEASURE_TIMEOUT);
        HostCommand.Result run;
        try {
            run = measure.run();
        } catch (HostCommandException e) {
            throw new BenchException("measuring the kernel \"" + kernel + "\" failed: " + e.getMessage(), e);
        }
        String out = run.out();
        if (!run.ok()) {
            // jupyter_client's own chatter goes to stderr; it is shown only when the measurement failed.
            throw new BenchException("measuring the kernel \"" + kernel + "\" failed (exit " + run.exitCode() + "): "
                    + out.strip() + tail(run.err()));
        }
        JsonNode result = JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        List<Double> trips = new ArrayList<>();
        result.path("round_trips_ms").forEach(v -> trips.add(v.asDouble()));
        if (trips.isEmpty()) {
            throw new BenchException("measuring the kernel \"" + kernel + "\" gave no round trips: " + out.strip());
        }
        List<Double> comments = new ArrayList<>();
        result.path("comment_round_trips_ms").forEach(v -> comments.add(v.asDouble()));
        List<Double> displays = new ArrayList<>();
        result.path("display_ms").forEach(v -> displays.add(v.asDouble()));
        if (displays.isEmpty()) {
            throw new BenchException("measuring the kernel \"" + kernel + "\" gave no display timings: " + out.strip());
        }
        return new Run(result.path("start_to_first_reply_ms").asDouble(), result.path("first_cell_ms").asDouble(), trips, comments,
                displays);
    }

    private static String javaString(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /**
     * ipykernel's side of the display, the same view done the plain Python way: every row parsed, a
     * count per category, an HTML table of the first 200 rows (no images).
     */
    private static String anchorDisplayCell(Path run) {
        String path = run.resolve("results.jsonl").toString().replace("\\", "\\\\").replace("'", "\\'");
        return String.join("\n",
                "import html, json",
                "from IPython.display import HTML, display",
                "rows = [json.loads(line) for line in open('" + path + "', encoding='utf-8') if line.strip()]",
                "groups = {}",
                "for row in rows:",
                "    group = groups.setdefault(row.get('category', 'all'), [0, 0])",
                "    group[0] += 1",
                "    group[1] += 1 if row.get('passed') else 0",
                "summary = ''.join(f'<tr><td>{html.escape(c)}</td><td>{g[0]}</td><td>{g[1]}</td></tr>' for c, g in sorted(groups.items()))",
                "table = ''.join(f'<tr><td>{html.escape(r[\"task_id\"])}</td><td>{r.get(\"passed\")}</td>'",
                "                f'<td>{html.escape(r.get(\"reason\", \"\")[:160])}</td></tr>' for r in rows[:200])",
                "display(HTML('<table>' + summary + '</table><table>' + table + '</table>'))");
    }

    private static String tail(String stderr) {
        String text = stderr.strip();
        if (text.isEmpty()) return "";
        return "; its stderr ends:\n" + (text.length() > 2000 ? "..." + text.substring(text.length() - 2000) : text);
    }

    private BenchReport report(List<Run> evalbox, List<Run> anchor, double loadBefore, double loadAfter) {
        Percentiles trips = Percentiles.of(evalbox.stream().flatMap(r -> r.roundTrips().stream()).toList());
        Percentiles anchorTrips = Percentiles.of(anchor.stream().flatMap(r -> r.roundTrips().stream()).toList());
        Percentiles start = Percentiles.of(evalbox.stream().map(Run::startMs).toList());
        Percentiles anchorStart = Percentiles.of(anchor.stream().map(Run::startMs).toList());
        Percentiles firstCell = Percentiles.of(evalbox.stream().map(Run::firstCellMs).toList());
        Percentiles comments = Percentiles.of(evalbox.stream().flatMap(r -> r.commentTrips().stream()).toList());
        Percentiles anchorComments = Percentiles.of(anchor.stream().flatMap(r -> r.commentTrips().stream()).toList());
        Percentiles anchorFirstCell = Percentiles.of(anchor.stream().map(Run::firstCellMs).toList());
        Percentiles firstDisplay = Percentiles.of(evalbox.stream().map(r -> r.displays().get(0)).toList());
        Percentiles anchorFirstDisplay = Percentiles.of(anchor.stream().map(r -> r.displays().get(0)).toList());
        Percentiles displays = Percentiles.of(evalbox.stream().flatMap(r -> r.displays().stream().skip(1)).toList());
        Percentiles anchorDisplays = Percentiles.of(anchor.stream().flatMap(r -> r.displays().stream().skip(1)).toList());
        String cell = "`" + settings.code() + "`";
        List<Measure> measures = List.of(
                new Measure("round_trip_p50", "round trip " + cell + " to idle, p50", trips.p50(), "ms",
                        anchorTrips.p50(), Goal.withinFactorOfAnchor(ROUND_TRIP_FACTOR)),
                new Measure("round_trip_p95", "round trip " + cell + " to idle, p95", trips.p95(), "ms",
                        anchorTrips.p95(), null),
                new Measure("start_to_first_reply", "kernel start to first reply (kernel_info), p50", start.p50(), "ms",
                        anchorStart.p50(), Goal.below(START_GOAL_MS, "ms")),
                new Measure("first_cell", "first cell to idle, p50", firstCell.p50(), "ms", anchorFirstCell.p50(),
                        Goal.below(FIRST_CELL_GOAL_MS, "ms")),
                new Measure("display_run_first", "display a run of " + settings.displayTasks() + " tasks, first time, p50",
                        firstDisplay.p50(), "ms", anchorFirstDisplay.p50(), Goal.below(DISPLAY_GOAL_MS, "ms")),
                new Measure("display_run_p50", "display a run of " + settings.displayTasks() + " tasks, again, p50",
                        displays.p50(), "ms", anchorDisplays.p50(), null),
                new Measure("comment_round_trip_p50", "round trip of a comment-only cell (the protocol's share), p50",
                        comments.p50(), "ms", anchorComments.p50(), null));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("evalbox_kernel", settings.evalboxKernel());
        context.put("anchor_kernel", settings.anchorKernel());
        context.put("code", settings.code());
        context.put("cells_per_round", settings.cells());
        context.put("rounds", settings.rounds());
        context.put("display_tasks", settings.displayTasks());
        context.put("host_cpus", Runtime.getRuntime().availableProcessors());
        context.put("host_load_before", Format.rounded(loadBefore));
        context.put("host_load_after", Format.rounded(loadAfter));
        List<String> notes = List.of(
                "both kernels: started by jupyter_client's KernelManager from their kernelspecs and driven by the same"
                        + " BlockingKernelClient (" + settings.python() + "); a round trip is client.execute until the"
                        + " cell's idle status on iopub; " + settings.cells() + " timed cells per round after 20 warm-up"
                        + " cells, " + settings.rounds() + " rounds alternating the kernels, a fresh kernel each round.",
                "comment-only cell: `// only a comment` (evalbox: no snippet for JShell) and `# only a comment` (ipykernel:"
                        + " run_cell with nothing to run), timed the same way after the trivial cells: the protocol's share.",
                "start: KernelManager.start_kernel to the first kernel_info_reply (wait_for_ready). first cell: sent"
                        + " right after that reply, while the evalbox Java engine may still be starting in the background"
                        + " (javac's first compile, then JShell); a cell that is one expression or statement needs only"
                        + " the first.",
                "display: the cell `run(PATH)` (the kernel's run view: summary per category, metrics, the first 200 rows,"
                        + " 12 screenshots inline) on a generated run of " + settings.displayTasks() + " tasks (about 1 KB of"
                        + " code a row), to idle, after the comment cells; " + DISPLAYS + " times per round, the first"
                        + " being the kernel's first. ipykernel: json.loads of every row, counts per category and an HTML"
                        + " table of the first 200 rows with IPython.display (no images).",
                "host: " + Runtime.getRuntime().availableProcessors() + " CPUs, 1-minute load average "
                        + Format.number(loadBefore) + " before and " + Format.number(loadAfter) + " after.");
        return new BenchReport("kernel", "evalbox bench kernel: evalbox (Java, JShell) vs ipykernel through jupyter_client",
                context, measures, notes);
    }
}
