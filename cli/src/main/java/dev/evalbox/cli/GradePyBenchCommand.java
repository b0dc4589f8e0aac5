package dev.evalbox.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.pybench.GradeResult;
import dev.evalbox.unittests.pybench.PyBenchCategories;
import dev.evalbox.unittests.pybench.PyBenchGrader;
import dev.evalbox.unittests.pybench.PyBenchSummary;
import dev.evalbox.unittests.pybench.PyBenchTask;
import dev.evalbox.unittests.pybench.PyBenchTasks;
import dev.evalbox.unittests.pybench.PyBenchTrajectoryFile;
import dev.evalbox.unittests.report.RunReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox grade pybench`: PyBench's own tests.py on a trajectory file and its output folder, in sandboxes. */
@Command(name = "pybench", mixinStandardHelpOptions = true,
        description = {"Grade a PyBench trajectory file with the benchmark's own data/unit_test/tests.py, run inside sandboxes",
                "whose working dir holds the checkout's data/ and the run's output/ (both read-only).",
                "Writes a run directory with run.json and results.jsonl (task_id, passed, reason, ...)."})
final class GradePyBenchCommand implements Callable<Integer> {
    @Mixin PyBenchOptions pybench;

    @Option(names = "--trajectory", required = true, description = "The run's trajectory file (JSON Lines, PyBench format).")
    Path trajectory;

    @Option(names = "--outputs", description = "The run's output folder (default: output/ next to the trajectory file).")
    Path outputs;

    @Option(names = "--concurrency", description = "Grading sandboxes at once. Default: ${DEFAULT-VALUE}.")
    int concurrency = 2;

    @Option(names = "--out", description = "The run directory to write (default: runs/grade-pybench-<time>).")
    Path out;

    @Mixin SandboxOptions options;

    @Override
    public Integer call() {
        PyBenchTasks tasks = pybench.load();
        List<PyBenchTask> selected = pybench.selected(tasks);
        PyBenchTrajectoryFile trajectories = PyBenchTrajectoryFile.read(trajectory);
        trajectories.problems().forEach(p -> System.err.println("warning: " + p + " (the task counts as having no trajectory)"));
        Path outputDir = outputs != null ? outputs : trajectory.toAbsolutePath().getParent().resolve("output");
        PyBenchCategories categories = pybench.categories();
        Path runPath = out != null ? out : RunDirectory.newPath(Path.of("runs"), "grade-pybench");
        Instant started = Instant.now();
        List<GradeResult> results;
        try (RunDirectory run = RunDirectory.open(runPath);
             SandboxProvider provider = BackendChoice.open(options.backend, options.image, new PrintWriter(System.err, true));
             SandboxPool pool = new SandboxPool(provider, 0, concurrency)) {
            run.writeRunJson(runJson(provider.backend(), started, null, null));
            Progress progress = new Progress(System.err, "grading", selected.size());
            PyBenchGrader grader = new PyBenchGrader(pool, options.spec(), options.timeout(), concurrency);
            results = grader.grade(tasks, selected, trajectories, outputDir, result -> {
                run.appendResult(resultJson(result));
                progress.step(result.passed());
            });
            progress.finish();
            PyBenchSummary summary = PyBenchSummary.of(selected, results, categories);
            run.writeRunJson(runJson(provider.backend(), started, Instant.now(), summary));
            print(summary, categories, runPath);
            System.out.println("report: " + new RunReport(runPath).write().toAbsolutePath());
        }
        return 0;
    }

    private ObjectNode runJson(String backend, Instant started, Instant finished, PyBenchSummary summary) {
        ObjectNode run = RunDirectory.object();
        run.put("kind", "grade").put("benchmark", "pybench").put("evalbox_version", VersionInfo.version())
                .put("backend", backend).put("image", "docker".equals(backend) ? options.image : null)
                .put("pybench_dir", pybench.pybenchDir.toAbsolutePath().toString())
                .put("trajectory", trajectory.toAbsolutePath().toString())
                .put("started", started.toString()).put("finished", finished == null ? null : finished.toString())
                .put("concurrency", concurrency).put("test_timeout_s", options.timeoutSeconds);
        if (summary != null) {
            ObjectNode metrics = run.putObject("metrics");
            metrics.put("tasks", summary.tasks()).put("passed", summary.passed())
                    .put("pass_rate", summary.passRate()).put("average_turns", summary.averageTurns());
            ObjectNode byCategory = metrics.putObject("by_category");
            summary.byCategory().forEach((c, s) -> byCategory.putObject(c).put("tasks", s.tasks()).put("passed", s.passed())
                    .put("pass_rate", s.passRate()));
        }
        return run;
    }

    private static ObjectNode resultJson(GradeResult result) {
        ObjectNode line = RunDirectory.object();
        line.put("task_id", result.taskId()).put("passed", result.passed()).put("reason", result.reason())
                .put("verdict", result.verdict()).put("exception_type", result.exceptionType())
                .put("turns", result.turns()).put("duration_ms", result.durationMs());
        return line;
    }

    private static void print(PyBenchSummary summary, PyBenchCategories categories, Path runPath) {
        System.out.printf("%nPyBench pass rate: %.1f%% (%d of %d tasks)   average turns: %.2f%n",
                summary.passRate(), summary.passed(), summary.tasks(), summary.averageTurns());
        System.out.println("by category (" + categories.source() + "):");
        summary.byCategory().forEach((category, score) ->
                System.out.printf("  %-40s %5.1f%%  (%d/%d)%n", category, score.passRate(), score.passed(), score.tasks()));
        System.out.println("run directory: " + runPath.toAbsolutePath());
    }
}
