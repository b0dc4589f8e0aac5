package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.sandbox.Sandbox;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

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

    /**
     * Whether the benchmark offers this mode: every benchmark runs, most grade recorded answers; replaying
     * is evalbox's own (any benchmark's runs replay through {@link #actionReplay()} and {@link #prepareSandbox}).
     */
    default boolean supports(EvalMode mode) { return mode != EvalMode.REPLAY; }

    /** A fresh options object for this mode, picocli-annotated; its fields are set before {@link #open}. */
    Object options(EvalMode mode);

    /**
     * Puts a recorded task's inputs into a fresh sandbox as its run had them, so that a notebook can
     * re-create the task's sandbox ({@code %sandbox open --task ID --run RUN}); returns notes on what it did.
     * {@code run} is the run's run.json. By default nothing: the task had no inputs of its own.
     */
    default List<String> prepareSandbox(JsonNode run, String taskId,
                                                  Sandbox sandbox) {
        return List.of();
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
    default Optional<String> report(Path runDir, JsonNode run) {
        return Optional.empty();
    }

    /**
     * Each task's conversation from a trajectory file in this benchmark's own format (not evalbox's
     * trajectories.jsonl), for {@code evalbox replay} and {@code grade}; empty when the file is not in it.
     * Lines that cannot be used go to {@code warn}, each naming its line.
     */
    default Optional<Map<String, ArrayNode>> recordedConversations(
            Path file, Consumer<String> warn) {
        return Optional.empty();
    }

    /**
     * How this benchmark's recorded code is run again for {@code evalbox replay --actions}; empty when
     * its tasks run no code (or their code cannot be told from the conversation).
     */
    default Optional<ActionReplay> actionReplay() { return Optional.empty(); }

    /** What this benchmark needs of the machine beyond a sandbox backend (a browser, say), checked for {@code evalbox doctor}. */
    default List<MachineCheck> doctor() { return List.of(); }

    /** This benchmark's part of {@code evalbox demo}; empty when it has none. */
    default Optional<DemoPart> demo() { return Optional.empty(); }

    /**
     * Speed checks of this benchmark's machinery, each a picocli command object that {@code evalbox bench}
     * lists next to its own (they print a table with the anchor measured in the same run); none by default.
     */
    default List<Object> benchCommands() { return List.of(); }

    /** Starts an evaluation with the options as the user gave them; errors the user can fix are {@link UserException}s. */
    Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context);
}
