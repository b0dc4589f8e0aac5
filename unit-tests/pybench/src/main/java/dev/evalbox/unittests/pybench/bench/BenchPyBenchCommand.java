package dev.evalbox.unittests.pybench.bench;

import dev.evalbox.unittests.bench.BenchOutput;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox bench pybench`: grading and action replay of a published run, against PyBench's own procedure. */
@Command(name = "pybench", mixinStandardHelpOptions = true,
        description = {"Grade all of a recorded PyBench run in sandboxes and action-replay it, at each --concurrency level,",
                "next to the anchor measured in the same run: PyBench's tests.py on the same outputs in one plain python3 process."})
public final class BenchPyBenchCommand implements Callable<Integer> {
    @Option(names = "--pybench-dir", required = true, description = "A PyBench checkout.")
    Path pybenchDir;

    @Option(names = "--trajectory", description = "The run's trajectory (default: published_runs/PyLlama3_abla_ultrachat/trajectory.jsonl of --pybench-dir).")
    Path trajectory;

    @Option(names = "--outputs", description = "The run's output folder (default: output/ next to the trajectory).")
    Path outputs;

    @Option(names = "--concurrency", split = ",", description = "Concurrency levels. Default: ${DEFAULT-VALUE}.")
    List<Integer> concurrency = List.of(1, 2, 4);

    @Option(names = "--replay-tasks", description = "How many tasks to action-replay (default: all that have a trajectory).")
    int replayTasks = Integer.MAX_VALUE;

    @Option(names = "--timeout", description = "Per-cell limit in seconds for the action replay. Default: ${DEFAULT-VALUE}.")
    int timeoutSeconds = 60;

    @Option(names = "--image", description = "Sandbox image; the anchor runs in the same image. Default: ${DEFAULT-VALUE}.")
    String image = SandboxSpec.DEFAULT_IMAGE;

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() throws Exception {
        String problem = DockerEngine.problem();
        if (problem != null) throw new UserException(problem + "; the benchmark needs the Docker backend");
        Path traj = trajectory != null ? trajectory : pybenchDir.resolve("published_runs/PyLlama3_abla_ultrachat/trajectory.jsonl");
        Path out = outputs != null ? outputs : traj.toAbsolutePath().getParent().resolve("output");
        if (!Files.isRegularFile(traj)) throw new UserException("no trajectory file " + traj + " (--trajectory)");
        BenchReport report = new PyBenchSpeed(new PyBenchSpeed.Settings(image, pybenchDir, traj, out, concurrency, replayTasks,
                Duration.ofSeconds(timeoutSeconds)), output.progress()).run();
        return output.print(report);
    }
}
