package dev.evalbox.cli;

import dev.evalbox.unittests.eval.CacheOptions;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The runner's options, shared by every benchmark's run and grade: where the run goes, resuming, a limit, epochs,
 * tasks at once, and the model-call cache (for the model and the judge alike).
 */
final class RunOptions {
    @Mixin CacheOptions cache;

    @Option(names = "--concurrency", description = "Tasks at once. Default: ${DEFAULT-VALUE} (the benchmark's own).")
    Integer concurrency;

    @Option(names = "--out", description = "The run directory (default: runs/<benchmark>-<time>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out: tasks already in its results.jsonl are skipped.")
    boolean resume;

    @Option(names = "--limit", description = "Only the first N tasks.")
    Integer limit;

    @Option(names = "--epochs", defaultValue = "1",
            description = "Attempt each task N times, each attempt in fresh sandboxes; rows carry epoch 1..N and --resume continues per task and epoch. "
                    + "With N >= 2 a pass/fail benchmark also reports pass@k and pass^k for k = 1..N. Default: 1.")
    int epochs;
}
