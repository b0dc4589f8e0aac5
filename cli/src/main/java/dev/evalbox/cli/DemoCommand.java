package dev.evalbox.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.FileEntry;
import dev.evalbox.sandbox.OutputJson;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.unittests.eval.DemoPart;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Locale;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The embedded default: a short data-analysis session evalbox ships, run in a fresh pooled
 * sandbox, recorded into a run directory (run.json, cells.jsonl, artifacts/).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run evalbox's built-in tour on its own samples and record it in a run directory.",
                "First a data-analysis session (generate a CSV, analyse it with pandas, plot with matplotlib, write an output file)",
                "in a fresh pooled sandbox; then each benchmark's part: its own few sample tasks run or graded through the same",
                "commands you would use, with recorded replies, reference answers or a scripted judge standing in for models",
                "(a part that needs what this machine lacks, Chromium say, is skipped and says so).",
                "Needs no model server and no dataset; uses Docker when available, the local backend otherwise."})
final class DemoCommand implements Callable<Integer> {
    static final List<String> CELLS = List.of("1-generate.py", "2-analyse.py", "3-plot.py", "4-report.py");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin SandboxOptions options;

    @Option(names = "--runs-dir", description = "Where run directories are created. Default: ${DEFAULT-VALUE}.")
    Path runsDir = Path.of("runs");

    @Option(names = "--skip", split = ",", paramLabel = "BENCHMARK", description = "Skip these benchmarks' parts (names as in `evalbox run --help`).")
    List<String> skip = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Path runDir = runsDir.resolve("demo-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
        Path artifacts = runDir.resolve("artifacts").resolve("demo");
        Files.createDirectories(artifacts);
        Instant started = Instant.now();
        int failed = 0;
        SandboxSpec spec = options.spec();
        try (SandboxProvider provider = BackendChoice.open(options.backend(), options.image(), new PrintWriter(System.err, true));
             SandboxPool pool = new SandboxPool(provider, 1, 4);
             Sandbox sandbox = pool.acquire(spec);
             BufferedWriter cellLog = Files.newBufferedWriter(runDir.resolve("cells.jsonl"), StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            System.out.println("sandbox: " + sandbox.backend() + " " + sandbox.id() + ", Python " + sandbox.info().pythonVersion()
                    + " (" + sandbox.info().runner() + ")" + ("local".equals(sandbox.backend()) ? " — NOT isolated" : ""));
            writeRunJson(runDir, sandbox, spec, started, null, 0);
            OutputPrinter printer = new OutputPrinter(System.out, System.err, artifacts, false);
            for (int i = 0; i < CELLS.size(); i++) {
                String code = resource(CELLS.get(i));
                System.out.printf("%n── cell %d/%d: %s%n", i + 1, CELLS.size(), code.lines().findFirst().orElse("").replaceFirst("^#\\s*", ""));
                ExecutionResult result = sandbox.execute(code, options.timeout(), printer::print);
                printer.printOutcome(result);
                if (!result.ok()) failed++;
                cellLog.write(JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(cellRecord(i, code, result)));
                cellLog.newLine();
                cellLog.flush();
            }
            List<FileEntry> written;
            try {
                written = sandbox.list("output");
            } catch (SandboxException e) {
                written = List.of(); // the cells failed before creating output/: nothing to collect
            }
            for (FileEntry entry : written) {
                if (entry.type() == FileEntry.Type.FILE) {
                    Files.write(artifacts.resolve(entry.name()), sandbox.download("output/" + entry.name()));
                }
            }
            writeRunJson(runDir, sandbox, spec, started, Instant.now(), failed);
        }
        failed += benchmarkParts(runDir);
        System.out.printf("%n%s. Run directory: %s%n", failed == 0 ? "done: every cell ran and every sample task passed"
                : "FAILED: " + failed + " cell(s) or sample task(s) failed", runDir.toAbsolutePath());
        return failed == 0 ? 0 : 1;
    }

    /** The benchmarks' own parts, each in RUNDIR/NAME-sample; returns how many of their sample tasks failed. */
    private int benchmarkParts(Path runDir) {
        Set<String> names = Benchmarks.all().stream().map(Benchmark::name).collect(Collectors.toSet());
        for (String name : skip) {
            if (!names.contains(name)) throw new UserException("--skip " + name + ": there is no such benchmark (there are " + String.join(", ", new TreeSet<>(names)) + ")");
        }
        int failed = 0;
        for (Benchmark benchmark : Benchmarks.all()) {
            if (skip.contains(benchmark.name()) || benchmark.demo().isEmpty()) continue;
            Path dir = runDir.resolve(benchmark.name() + "-sample");
            try {
                failed += benchmark.demo().get().run(new DemoPart.Context(dir, options,
                        args -> EvalboxCommand.commandLine().execute(args.toArray(String[]::new))));
            } catch (Exception e) {
                System.out.println("  the " + benchmark.title() + " part failed: " + e);
                failed++;
            }
            Path report = dir.resolve("run/report.html");
            if (Files.isRegularFile(report)) System.out.println("  report: " + report.toAbsolutePath());
        }
        return failed;
    }

    private static ObjectNode cellRecord(int index, String code, ExecutionResult result) {
        ObjectNode cell = JSON.createObjectNode();
        cell.put("index", index + 1).put("code", code).put("status", result.status().name().toLowerCase(Locale.ROOT))
                .put("duration_ms", result.duration().toMillis()).put("message", result.message());
        cell.set("outputs", OutputJson.toJson(result.outputs()));
        return cell;
    }

    private static void writeRunJson(Path runDir, Sandbox sandbox, SandboxSpec spec, Instant started, Instant finished,
                                     int failed) throws IOException {
        ObjectNode run = JSON.createObjectNode();
        run.put("kind", "demo").put("evalbox_version", VersionInfo.version()).put("backend", sandbox.backend())
                .put("image", "docker".equals(sandbox.backend()) ? spec.image() : null)
                .put("python", sandbox.info().pythonVersion()).put("runner", sandbox.info().runner())
                .put("started", started.toString()).put("finished", finished == null ? null : finished.toString())
                .put("cells", CELLS.size()).put("failed_cells", failed);
        Files.writeString(runDir.resolve("run.json"), JSON.writeValueAsString(run));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DemoCommand.class.getResourceAsStream("demo/" + name)) {
            if (in == null) throw new IOException("demo cell " + name + " is missing from the evalbox jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
