package dev.evalbox.cli;

import picocli.CommandLine.Command;

/**
 * Benchmarks that print a table with the anchor measured in the same run: evalbox's own (sandbox, kernel) and
 * those each benchmark brings for its machinery ({@link dev.evalbox.unittests.eval.Benchmark#benchCommands()}),
 * added by {@link EvalboxCommand#commandLine()}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure evalbox against an anchor measured in the same run; prints a table (or JSON with --json).",
        subcommands = {BenchSandboxCommand.class, BenchKernelCommand.class, BenchViewCommand.class})
final class BenchCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
