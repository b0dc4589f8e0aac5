package dev.evalbox.unittests.replay;

import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.EvalMode;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code evalbox replay}: a recorded run of any benchmark replayed as a run of its own, so that the runner
 * gives it what it gives every run (a run directory, {@code --resume}, progress, Ctrl-C, run.json, the
 * report). Observation replay rebuilds each task's conversation and recorded verdict with no model and no
 * sandbox; action replay ({@code --actions}) runs each task's recorded code again, turn by turn, in a fresh
 * sandbox holding its inputs, where the run's benchmark says how ({@link Benchmark#actionReplay()}).
 *
 * <p>Not a benchmark of its own: it is not listed by {@link dev.evalbox.unittests.eval.Benchmarks}, and
 * offers only {@link EvalMode#REPLAY}.
 */
public final class ReplayBenchmark implements Benchmark {

    /** The options of {@code evalbox replay}. */
    public static final class Options {
        @Parameters(paramLabel = "RUN|TRAJECTORY", description = "What to replay: a run directory of any benchmark, an evalbox"
                + " trajectories.jsonl, or a trajectory file in a benchmark's own format.")
        Path source;

        @Option(names = "--actions", description = "Run each task's recorded code again in a fresh sandbox holding its inputs, and"
                + " report per turn where the new observation differs from the recorded one.")
        boolean actions;

        @Option(names = "--tasks", split = ",", paramLabel = "ID", description = "Only these tasks (ids as in results.jsonl).")
        List<String> tasks = new ArrayList<>();

        @Option(names = "--dataset", description = "With --actions: the dataset the run used, where the tasks' inputs are (default:"
                + " as the run's run.json says; needed for a bare trajectory file, or when the dataset has moved).")
        Path dataset;

        @Mixin SandboxOptions sandbox;
    }

    @Override
    public String name() { return "replay"; }

    @Override
    public String title() { return "Replay"; }

    @Override
    public boolean supports(EvalMode mode) { return mode == EvalMode.REPLAY; }

    @Override
    public String[] description(EvalMode mode) {
        return new String[] {
                "Replay a recorded run: a run directory of any benchmark, an evalbox trajectories.jsonl or a trajectory file in a benchmark's own format.",
                "By default, observation replay: rebuild each task's conversation and recorded verdict, with no model and no sandbox.",
                "With --actions: run each task's recorded code again, turn by turn, in a fresh sandbox holding its inputs,",
                "and report, per turn, where the new observation differs from the recorded one (for benchmarks whose tasks run code).",
                "The replay is a run directory of its own; --resume continues one that was stopped."};
    }

    @Override
    public Object options(EvalMode mode) { return new Options(); }

    @Override
    public Evaluation<?, ?> open(EvalMode mode, Object options, EvalContext context) {
        Options o = (Options) options;
        if (o.source == null) throw new UserException("replay needs the run directory or trajectory file to replay");
        RecordedRun recorded = RecordedRun.load(o.source, context::warn);
        return o.actions ? new ActionReplayEvaluation(recorded, o.tasks, o.dataset, o.sandbox)
                : new ObservationReplayEvaluation(recorded, o.tasks);
    }
}
