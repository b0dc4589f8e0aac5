package dev.evalbox.cli;

import picocli.CommandLine.Command;

/** The top of the evalbox command tree. */
@Command(name = "evalbox",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.class,
        description = "Evaluates LLMs that write code, in hardened, stateful Python sandboxes.",
        subcommands = {
                DemoCommand.class,
                DoctorCommand.class,
                ImageCommand.class,
                SandboxCommand.class,
                RunCommand.class,
                GradeCommand.class,
                ReportCommand.class,
                ViewCommand.class,
                CompareCommand.class,
                CacheCommand.class,
                BenchCommand.class,
                KernelCommand.class,
                picocli.CommandLine.HelpCommand.class
        })
public final class EvalboxCommand implements Runnable {
    /** The evalbox command line as `evalbox` runs it: user errors reported without stack traces, descriptions as prose. */
    static picocli.CommandLine commandLine() {
        picocli.CommandLine cli = new picocli.CommandLine(new EvalboxCommand());
        BenchmarkCommand.addAll(cli.getSubcommands().get("run"), dev.evalbox.unittests.eval.EvalMode.RUN);
        BenchmarkCommand.addAll(cli.getSubcommands().get("grade"), dev.evalbox.unittests.eval.EvalMode.GRADE);
        cli.addSubcommand("replay", BenchmarkCommand.command(new dev.evalbox.unittests.replay.ReplayBenchmark(),
                dev.evalbox.unittests.eval.EvalMode.REPLAY));
        picocli.CommandLine bench = cli.getSubcommands().get("bench");
        for (dev.evalbox.unittests.eval.Benchmark benchmark : dev.evalbox.unittests.eval.Benchmarks.all()) {
            benchmark.benchCommands().forEach(bench::addSubcommand);
        }
        // set after the benchmarks' commands are added: picocli gives a command the handler its parent has then
        return HelpText.reflow(cli.setExecutionExceptionHandler(new UserErrors()));
    }

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
