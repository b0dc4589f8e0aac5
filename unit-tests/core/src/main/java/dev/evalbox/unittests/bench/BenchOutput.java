package dev.evalbox.unittests.bench;

import java.io.PrintWriter;
import java.util.function.Consumer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every `evalbox bench ...` command shares, as a picocli mixin: the {@code --json} option, progress lines
 * ("bench: ...") on stderr as they come, and the table (or one JSON object) on stdout, so that the output can be piped.
 */
public final class BenchOutput {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    /** Where a benchmark reports its progress. */
    public Consumer<String> progress() {
        PrintWriter err = spec.commandLine().getErr();
        return line -> {
            err.println("bench: " + line);
            err.flush();
        };
    }

    /** Prints the report; the command's exit code (0: everything was measured, whether or not the goals were met). */
    public int print(BenchReport report) {
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? report.toJson() + "\n" : report.toTable());
        out.flush();
        return 0;
    }
}
