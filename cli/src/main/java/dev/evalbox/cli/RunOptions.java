package dev.evalbox.cli;

import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every benchmark run shares: how many tasks at once, where the run goes, resuming, a limit. */
final class RunOptions {
    @Option(names = "--concurrency", description = "Tasks at once. Default: ${DEFAULT-VALUE}.")
    int concurrency = 2;

    @Option(names = "--out", description = "The run directory (default: runs/<benchmark>-<time>).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out: tasks already in its results.jsonl are skipped.")
    boolean resume;

    @Option(names = "--limit", description = "Only the first N tasks.")
    Integer limit;

    /** Where the run goes; refuses to write over a run unless resuming. */
    Path runPath(String benchmark) {
        Path path = out != null ? out : RunDirectory.newPath(Path.of("runs"), benchmark);
        if (!resume && Files.isRegularFile(path.resolve("results.jsonl"))) {
            throw new UserException(path + " already holds a run: add --resume to continue it, or choose another --out");
        }
        return path;
    }

    <T> List<T> limited(List<T> items) {
        return limit == null ? items : items.subList(0, Math.min(limit, items.size()));
    }
}
