package dev.evalbox.kernel.notebook;

import java.io.PrintStream;
import java.util.List;

/**
 * The evalbox command's verbs for the %evalbox magic. The CLI module provides the implementation
 * (found with ServiceLoader): the kernel module may not depend on the CLI, which depends on it.
 */
public interface NotebookCommands {
    /** Runs {@code evalbox <words>} in this JVM, printing to {@code out} and {@code err}; returns the exit status. */
    int run(List<String> words, PrintStream out, PrintStream err);
}
