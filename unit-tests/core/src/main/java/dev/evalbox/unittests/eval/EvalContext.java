package dev.evalbox.unittests.eval;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What {@link Benchmark#open} gets from the runner: the run directory (already created), whether the
 * run is resumed (a benchmark that keeps files of its own continues them then, and only then), and
 * where warnings go (a dataset line skipped, a missing input folder).
 */
public record EvalContext(Path runDir, boolean resume, PrintStream err) {

    /** Tells the user about something that does not stop the run. */
    public void warn(String message) {
        err.println("warning: " + message);
    }
}
