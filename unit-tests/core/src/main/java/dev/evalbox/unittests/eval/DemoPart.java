package dev.evalbox.unittests.eval;

import java.nio.file.Path;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * A benchmark's part of {@code evalbox demo}: its own few sample tasks, run or graded through the same
 * commands a user runs, with no model server and no dataset (recorded replies, reference answers or a
 * scripted judge stand in). Given by {@link Benchmark#demo()}.
 */
public interface DemoPart {

    /** Runs the part, printing what it does to standard output; returns how many of its sample tasks failed. */
    int run(Context context) throws Exception;

    /**
     * What a part is given.
     *
     * @param dir     the part's own folder inside the demo's run directory (not yet created)
     * @param sandbox the sandbox options the user gave {@code evalbox demo}
     * @param evalbox runs an evalbox command line (as {@code evalbox ARGS...} would) and returns its exit code
     */
    record Context(Path dir, SandboxOptions sandbox, ToIntFunction<List<String>> evalbox) {
        /** Runs {@code evalbox args...} and returns its exit code. */
        public int evalbox(String... args) { return evalbox.applyAsInt(List.of(args)); }
    }
}
