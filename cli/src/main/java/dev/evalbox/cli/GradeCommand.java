package dev.evalbox.cli;

import picocli.CommandLine.Command;

/** Grades recorded answers: one subcommand per benchmark found on the class path that grades ({@link BenchmarkCommand}). */
@Command(name = "grade", mixinStandardHelpOptions = true, description = "Grade a recorded run with the benchmark's unit tests, in sandboxes.")
final class GradeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
