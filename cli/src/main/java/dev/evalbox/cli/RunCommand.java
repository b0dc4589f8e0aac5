package dev.evalbox.cli;

import picocli.CommandLine.Command;

/** Runs a benchmark: one subcommand per benchmark found on the class path ({@link BenchmarkCommand}). */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a benchmark with a model, in sandboxes, and grade it.")
final class RunCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
