package dev.evalbox.unittests.eval;

import java.nio.file.Path;

/**
 * A benchmark evalbox can run and grade, implemented once per benchmark and found with
 * {@link java.util.ServiceLoader} (see {@link Benchmarks}). It says what its options are and opens an
 * {@link Evaluation} for a run; everything around the tasks (the run directory, resume, sandboxes,
 * concurrency, progress, writing, the run record, the report) is {@link EvalRunner}'s.
 *
 * <p>Options are picocli-annotated objects: the CLI and the kernel's {@code %evalbox} bind them to
 * {@code evalbox run NAME} and {@code evalbox grade NAME} without knowing the benchmark. Options that
 * several benchmarks share ({@link ModelOptions}, {@link SandboxOptions}) are mixed in with picocli's
 * {@code @Mixin}.
 */
public interface Benchmark {

    /** The name on the command line: {@code evalbox run NAME}. Lower case, no spaces. */
    String name();

    /** How its authors write it ("PyBench"), for reports and headings. */
    String title();

    /** What {@code evalbox run|grade NAME --help} says about it: whole sentences, one per line. */
    String[] description(EvalMode mode);

    /** Whether the benchmark offers this mode (every benchmark runs; not every one grades recorded answers). */
    default boolean supports(EvalMode mode) { return true; }

    /** A fresh options object for this mode, picocli-annotated; its fields are set before {@link #open}. */
    Object options(EvalMode mode);

    /**
     * Puts a recorded task's inputs into a fresh sandbox as its run had them, so that a notebook can
     * re-create the task's sandbox ({@code %sandbox open --task ID --run RUN}); returns notes on what it did.
     * {@code run} is the run's run.json. By default nothing: the task had no inputs of its own.
     */
    default java.util.List<String> prepareSandbox(com.fasterxml.jackson.databind.JsonNode run, String taskId,
                                                  dev.evalbox.sandbox.Sandbox sandbox) {
        return java.util.List.of();
    }

    /** Tasks at once when the user gives no {@code --concurrency}. */
    default int defaultConcurrency() { return 2; }

    /**
     * Where a run goes when the user gives no {@code --out}, or null for the runner's
     * {@code runs/<name>-<time>} (a re-grade of a run, say, goes next to the run it re-scores).
     */
    default Path defaultRunDir(EvalMode mode, Object options) { return null; }

    /**
     * The benchmark's own report page (report.html) for a run of it, when the shared page, which lists
     * pass/fail rows with their conversations, does not fit its rows; empty for the shared page.
     * {@code run} is the run's run.json.
     */
    default java.util.Optional<String> report(Path runDir, com.fasterxml.jackson.databind.JsonNode run) {
        return java.util.Optional.empty();
    }

    /** Starts an evaluation with the options as the user gave them; errors the user can fix are {@link UserException}s. */
    Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context);
}
