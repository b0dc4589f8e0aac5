package dev.evalbox.cli;

import picocli.CommandLine.Command;

/** Grades recorded runs with a benchmark's own per-task unit tests. */
@Command(name = "grade", mixinStandardHelpOptions = true, description = "Grade a recorded run with the benchmark's unit tests, in sandboxes.",
        subcommands = {GradeHumanEvalVCommand.class, GradeArtifactsBenchCommand.class})
final class GradeCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
