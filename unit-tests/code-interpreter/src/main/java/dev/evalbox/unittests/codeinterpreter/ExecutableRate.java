package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The executable-rate metric: a record's program ({@link ExecutableCode}) runs once in a fresh
 * sandbox, with the record's input files in upload_file/, as a plain exec of the whole program in a
 * new namespace (as the benchmark's exec does). Executable means it raised nothing within the limit:
 * 10 s for visualization and math; none in the benchmark for general items, for which evalbox applies
 * {@code generalCap} and records it. A missing module is reported as such (the benchmark would try
 * pip install, which cannot happen offline). {@code uploadDir} may be null (no input files given).
 */
public final class ExecutableRate {
    public static final Duration LIMIT = Duration.ofSeconds(10);
    /**
     * The prelude's modules, imported before the timed run. The benchmark re-runs every program in its
     * own process, where they are loaded once for all items, so its 10 s go to the program; in a fresh
     * sandbox importing them alone can take most of that on a busy machine.
     */
    static final String WARM_UP = "import seaborn, matplotlib, matplotlib.pyplot, numpy, pandas, sympy, re, json, math";
    private static final Duration WARM_UP_LIMIT = Duration.ofMinutes(2);

    /** The verdict for one record, with its evidence. */
    public record Verdict(int line, CodeInterpreterRecord.Kind kind, boolean missingCode, boolean executable, String errorInfo,
                          String code, Duration limit) { }

    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final Path uploadDir;
    private final Duration generalCap;

    public ExecutableRate(SandboxPool pool, SandboxSpec spec, Path uploadDir, Duration generalCap) {
        this.pool = pool;
        this.spec = spec;
        this.uploadDir = uploadDir;
        this.generalCap = generalCap;
    }

    public Verdict check(CodeInterpreterRecord record, String trace) {
        CodeInterpreterRecord.Kind kind = record.kind();
        // The benchmark reads every Action Input for math and the first for the other tags; it does not
        // re-run GSM8K traces at all, and evalbox reads them as math.
        boolean all = kind == CodeInterpreterRecord.Kind.MATH || kind == CodeInterpreterRecord.Kind.GSM8K;
        String code = ExecutableCode.actionInputCode(trace, !all);
        Duration limit = kind == CodeInterpreterRecord.Kind.GENERAL || kind == CodeInterpreterRecord.Kind.OTHER ? generalCap : LIMIT;
        if (code.isEmpty()) return new Verdict(record.line(), kind, true, false, "missing code", "", limit);
        try (Sandbox sandbox = pool.acquire(spec)) {
            sandbox.makeDirectories("upload_file");
            List<String> uploadPaths = new ArrayList<>();
            // As the benchmark: the code gets the files' full paths whether or not the files are there; a
            // program that reads a file that is not (no upload folder given, or not in it) fails on it.
            for (String base : record.inputBasenames()) {
                Path host = uploadDir == null ? null : uploadDir.resolve(base);
                if (host != null && Files.isRegularFile(host)) sandbox.upload(host, "upload_file/" + base);
                uploadPaths.add(spec.workDir() + "/upload_file/" + base);
            }
            String program = ExecutableCode.program(record, code, uploadPaths);
            sandbox.upload(program.getBytes(java.nio.charset.StandardCharsets.UTF_8), ".evalbox/program.py");
            // Its outcome does not matter here: a module that cannot be imported fails the timed run, which says so.
            sandbox.execute(WARM_UP, WARM_UP_LIMIT);
            ExecutionResult run = sandbox.execute("with open('.evalbox/program.py', encoding='utf-8') as _f:\n"
                    + "    _program = _f.read()\nexec(compile(_program, 'program.py', 'exec'), {'text': _program, 'timelimit': True})\n"
                    + "None", limit);
            boolean executable = run.ok();
            String error = switch (run.status()) {
                case OK -> "";
                case ERROR -> run.error().map(e -> e.ename() + ": " + e.evalue()).orElse("error");
                case TIMEOUT -> "timed out after " + limit.toSeconds() + " s";
                default -> run.message();
            };
            return new Verdict(record.line(), kind, false, executable, error, program, limit);
        }
    }
}
