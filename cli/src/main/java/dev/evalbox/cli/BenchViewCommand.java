package dev.evalbox.cli;

import dev.evalbox.unittests.bench.BenchOutput;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.ScratchDirectory;
import dev.evalbox.cli.view.ViewBenchmark;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox bench view`: the viewer on a generated big run, timed in headless Chromium. */
@Command(name = "view", mixinStandardHelpOptions = true,
        description = {"`evalbox view` on a generated run (default 20,000 tasks, five turns each, a figure per cell), opened in",
                "headless Chromium: the runs, run and task pages' first render and the run page's filter changes, timed by the",
                "page's Performance API, how long a line appended to a run being written takes to show on its pages, and the",
                "server's resident memory."})
final class BenchViewCommand implements Callable<Integer> {
    @Option(names = "--tasks", paramLabel = "N", description = "Tasks in the generated run. Default: ${DEFAULT-VALUE}.")
    int tasks = 20_000;

    @Option(names = "--turns", paramLabel = "N", description = "Turns per task. Default: ${DEFAULT-VALUE}.")
    int turns = 5;

    @Option(names = "--epochs", paramLabel = "N", description = "Attempts per task (a run made with --epochs: a line per attempt). Default: ${DEFAULT-VALUE}.")
    int epochs = 1;

    @Option(names = "--rounds", paramLabel = "N", description = "Browser rounds (the first is cold). Default: ${DEFAULT-VALUE}.")
    int rounds = 3;

    @Option(names = "--chromium", paramLabel = "PATH", description = "The browser. Default: ${DEFAULT-VALUE}.")
    Path chromium = Path.of("/usr/bin/chromium");

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() throws Exception {
        if (!Files.isExecutable(chromium)) throw new UserException(chromium + " is missing: scripts/setup.sh chromium installs it");
        if (tasks < 1 || turns < 1 || rounds < 1 || epochs < 1) throw new UserException("--tasks, --turns, --rounds and --epochs must be at least 1");
        try (ScratchDirectory scratch = ScratchDirectory.create("evalbox-bench-view")) {
            BenchReport report = new ViewBenchmark(new ViewBenchmark.Settings(scratch.path(), tasks, turns, rounds, chromium, epochs), output.progress()).run();
            return output.print(report);
        }
    }
}
