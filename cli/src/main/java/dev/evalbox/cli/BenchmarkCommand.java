package dev.evalbox.cli;

import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.unittests.eval.EvalMode;
import dev.evalbox.unittests.eval.EvalRunner;
import dev.evalbox.unittests.eval.RunListener;
import dev.evalbox.unittests.eval.RunRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine;

/**
 * {@code evalbox run NAME} and {@code evalbox grade NAME} for every benchmark on the class path: the
 * benchmark's own options (declared once, with the benchmark) and the runner's ({@link RunOptions}),
 * handed to {@link EvalRunner}. Nothing here knows any benchmark.
 */
@Command(mixinStandardHelpOptions = true)
final class BenchmarkCommand implements Callable<Integer> {
    @Mixin RunOptions runOptions;

    @CommandLine.Spec
    CommandSpec spec;

    private final Benchmark benchmark;
    private final EvalMode mode;
    private final Object options;

    private BenchmarkCommand(Benchmark benchmark, EvalMode mode, Object options) {
        this.benchmark = benchmark;
        this.mode = mode;
        this.options = options;
    }

    /** Adds a subcommand per benchmark that offers {@code mode} to {@code parent} ({@code run} or {@code grade}). */
    static void addAll(CommandLine parent, EvalMode mode) {
        for (Benchmark benchmark : Benchmarks.all()) {
            if (!benchmark.supports(mode) || parent.getSubcommands().containsKey(benchmark.name())) continue;
            parent.addSubcommand(benchmark.name(), command(benchmark, mode));
        }
    }

    /** The command that runs {@code benchmark} in {@code mode} through the runner: the runner's options, then the benchmark's. */
    static CommandLine command(Benchmark benchmark, EvalMode mode) {
        Object options = benchmark.options(mode);
        CommandLine command = new CommandLine(new BenchmarkCommand(benchmark, mode, options));
        command.getCommandSpec().addMixin("benchmark", CommandSpec.forAnnotatedObject(options));
        command.getCommandSpec().usageMessage().description(benchmark.description(mode));
        // --concurrency defaults to the benchmark's own, and its help says which
        command.setDefaultValueProvider(arg -> arg instanceof CommandLine.Model.OptionSpec option
                && "--concurrency".equals(option.longestName()) ? Integer.toString(benchmark.defaultConcurrency()) : null);
        return command;
    }

    @Override
    public Integer call() {
        List<String> line = new ArrayList<>(List.of("evalbox"));
        line.addAll(spec.commandLine().getParseResult().originalArgs());
        Progress[] progress = new Progress[1];
        RunListener listener = new RunListener() {
            @Override
            public void started(String name, int todo, int done) { progress[0] = new Progress(System.err, name, todo); }

            @Override
            public void taskDone(String taskId, boolean passed) { progress[0].step(passed); }

            @Override
            public void tasksOver() { progress[0].finish(); }
        };
        EvalRunner.Settings settings = new EvalRunner.Settings(runOptions.out, runOptions.resume, runOptions.limit, runOptions.epochs,
                runOptions.concurrency != null ? runOptions.concurrency : benchmark.defaultConcurrency(), line, VersionInfo.version(), VersionInfo.commit(),
                sandbox -> BackendChoice.open(sandbox.backend(), sandbox.image(), new PrintWriter(System.err, true)),
                listener, System.out, System.err, runOptions.cache.use());
        EvalRunner.Outcome outcome = new EvalRunner(settings).run(benchmark, mode, options);
        return outcome.status() == RunRecord.Status.FINISHED ? 0 : 130;
    }
}
