package dev.evalbox.unittests.pybench.bench;

import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.Goal;
import dev.evalbox.unittests.bench.Measure;
import dev.evalbox.unittests.pybench.GradeResult;
import dev.evalbox.unittests.pybench.PyBenchGrader;
import dev.evalbox.unittests.pybench.PyBenchReplay;
import dev.evalbox.unittests.pybench.PyBenchTasks;
import dev.evalbox.unittests.pybench.PyBenchTrajectory;
import dev.evalbox.unittests.pybench.PyBenchTrajectoryFile;
import dev.evalbox.unittests.replay.ActionReplayer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * `evalbox bench pybench`: grading a whole published run in sandboxes, and an action replay of it,
 * at several concurrency levels, next to PyBench's own unsandboxed procedure measured in the same run.
 */
public final class PyBenchSpeed {
    /** What to measure: the checkout, the recorded run, the concurrency levels, how many tasks to action-replay. */
    public record Settings(String image, Path pybenchDir, Path trajectory, Path outputs, List<Integer> concurrency, int replayTasks,
                           Duration cellTimeout) { }

    private final Settings settings;
    private final Consumer<String> progress;

    public PyBenchSpeed(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run() throws Exception {
        PyBenchTasks tasks = PyBenchTasks.load(settings.pybenchDir());
        PyBenchTrajectoryFile trajectories = PyBenchTrajectoryFile.read(settings.trajectory());
        SandboxSpec spec = SandboxSpec.python().image(settings.image()).memory("2g").build();
        List<Measure> measures = new ArrayList<>();

        progress.accept("anchor: PyBench's tests in one plain python3 process");
        PyBenchAnchor.Result anchor = PyBenchAnchor.run(settings.image(), settings.pybenchDir(), settings.trajectory(), settings.outputs());
        measures.add(Measure.of("anchor_wall_s", "anchor: original tests, plain python3 (" + anchor.passed() + " passed)",
                anchor.wallSeconds(), "s", null));

        Map<Integer, Integer> passes = new LinkedHashMap<>();
        for (int level : settings.concurrency()) {
            progress.accept("grading " + tasks.size() + " tasks in sandboxes, concurrency " + level);
            long started = System.nanoTime();
            int passed;
            try (DockerSandboxProvider docker = new DockerSandboxProvider(); SandboxPool pool = new SandboxPool(docker, 0, level)) {
                List<GradeResult> results = new PyBenchGrader(pool, spec, Duration.ofMinutes(2), level)
                        .grade(tasks, tasks.all(), trajectories, settings.outputs(), r -> { });
                passed = (int) results.stream().filter(GradeResult::passed).count();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            passes.put(level, passed);
            measures.add(new Measure("grade_wall_s_c" + level, "grade " + tasks.size() + " tasks in sandboxes, concurrency " + level
                    + " (" + passed + " passed)", seconds, "s", anchor.wallSeconds(), Goal.withinFactorOfAnchor(1.5)));
            measures.add(Measure.of("grade_tasks_per_s_c" + level, "grading throughput, concurrency " + level, tasks.size() / seconds, "tasks/s", null));
        }

        List<PyBenchTrajectory> toReplay = new ArrayList<>();
        for (var task : tasks.all()) {
            trajectories.get(task.index()).ifPresent(toReplay::add);
            if (toReplay.size() >= settings.replayTasks()) break;
        }
        for (int level : settings.concurrency()) {
            progress.accept("action replay of " + toReplay.size() + " tasks, concurrency " + level);
            long started = System.nanoTime();
            int turns = 0;
            try (DockerSandboxProvider docker = new DockerSandboxProvider(); SandboxPool pool = new SandboxPool(docker, Math.min(level, 4), level * 2)) {
                PyBenchReplay replay = new PyBenchReplay(tasks, pool, spec, settings.cellTimeout());
                ExecutorService workers = Executors.newFixedThreadPool(level);
                List<Future<ActionReplayer.TaskReplay>> futures = new ArrayList<>();
                for (PyBenchTrajectory t : toReplay) futures.add(workers.submit(() -> replay.replay(t.index(), t.messages())));
                for (Future<ActionReplayer.TaskReplay> f : futures) turns += f.get().turns().size();
                workers.shutdown();
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            measures.add(Measure.of("replay_wall_s_c" + level, "action replay, " + toReplay.size() + " tasks / " + turns + " cells, concurrency " + level,
                    seconds, "s", null));
            measures.add(Measure.of("replay_tasks_per_s_c" + level, "action replay throughput, concurrency " + level, toReplay.size() / seconds, "tasks/s", null));
        }

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("image", settings.image());
        context.put("trajectory", settings.trajectory().toString());
        context.put("host_cpus", Runtime.getRuntime().availableProcessors());
        List<String> notes = List.of(
                "anchor: the run's trajectory graded by PyBench's tests.py in one plain python3 process (as its grader runs), in a"
                        + " container of the same image with data/ and output/ mounted; wall time includes the container start ("
                        + String.format("%.2f", anchor.processSeconds()) + " s inside python3).",
                "evalbox: the same tests in hardened sandboxes (1 CPU and 2 GiB each), tests.py imported once per sandbox,"
                        + " each task's messages uploaded and its verdict read back; wall time includes starting the sandboxes.",
                "passes: anchor " + anchor.passed() + ", evalbox " + passes.values() + " (the same tests on the same files).",
                "action replay: each task's recorded code re-executed turn by turn in a fresh sandbox with its inputs;"
                        + " per-cell limit " + settings.cellTimeout().toSeconds() + " s.");
        return new BenchReport("pybench", "evalbox bench pybench: " + settings.trajectory().getParent().getFileName() + " on "
                + settings.image(), context, measures, notes);
    }
}
