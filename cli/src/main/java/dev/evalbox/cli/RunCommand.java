package dev.evalbox.cli;

import picocli.CommandLine.Command;

/** Runs a benchmark: a model driven through the agent loop against sandboxes, graded per task. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a benchmark with a model, in sandboxes, and grade it.",
        subcommands = {RunHumanEvalVCommand.class,
                RunArtifactsBenchCommand.class})
final class RunCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }
}
