package dev.evalbox.cli;

import dev.evalbox.kernel.notebook.NotebookCommands;
import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;

/** The evalbox command for the kernel's %evalbox magic: the same verbs and flags, run in the kernel's JVM. */
public final class CliNotebookCommands implements NotebookCommands {
    @Override
    public int run(List<String> words, PrintStream out, PrintStream err) {
        CommandLine cli = EvalboxCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(words.toArray(String[]::new));
    }
}
