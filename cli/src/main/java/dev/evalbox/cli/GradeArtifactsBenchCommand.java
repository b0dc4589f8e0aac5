package dev.evalbox.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.artifactsbench.ArtifactsData;
import dev.evalbox.unittests.artifactsbench.ArtifactsGrading;
import dev.evalbox.unittests.artifactsbench.ArtifactsJudge;
import dev.evalbox.unittests.artifactsbench.ArtifactsTask;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox grade artifactsbench`: render each answer in headless Chromium and have a multimodal judge score it. */
@Command(name = "artifactsbench", mixinStandardHelpOptions = true,
        description = {"Grade ArtifactsBench answers: extract the page, render it in headless Chromium (3 screenshots), and have a",
                "multimodal judge score it against the task's checklist. --render-only skips the judge."})
final class GradeArtifactsBenchCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "The tasks (JSON Lines: index, question, checklist, class, difficulty).")
    Path dataset;

    @Option(names = "--answers", required = true, description = "The answers (JSON Lines: index and answer, model_infer_result or output).")
    Path answers;

    @Mixin ArtifactsOptions artifacts;
    @Mixin RunOptions runOptions;

    @Override
    public Integer call() throws IOException {
        artifacts.check();
        List<ArtifactsTask> tasks = readTasks(dataset);
        var loadedAnswers = ArtifactsData.readAnswers(answers);
        loadedAnswers.problems().forEach(p -> System.err.println("warning: " + p + " (skipped)"));
        Map<String, String> byIndex = new HashMap<>();
        loadedAnswers.items().forEach(e -> byIndex.put(e.getKey(), e.getValue()));
        Path runPath = runOptions.runPath("grade-artifactsbench");
        ObjectNode runJson = RunDirectory.object().put("kind", "grade").put("benchmark", "artifactsbench")
                .put("answers", answers.toAbsolutePath().toString());
        gradeAndReport(runOptions.limited(tasks), byIndex, runPath, runJson, artifacts, artifacts.judge(null), runOptions.concurrency);
        return 0;
    }

    /** The tasks of a dataset file, its bad lines reported; none usable is an error. */
    static List<ArtifactsTask> readTasks(Path dataset) {
        var tasks = ArtifactsData.readTasks(dataset);
        tasks.problems().forEach(p -> System.err.println("warning: " + p + " (skipped)"));
        if (tasks.items().isEmpty()) throw new UserException(dataset + " has no usable ArtifactsBench task");
        return tasks.items();
    }

    /**
     * Renders and judges each task's answer (tasks the run already graded are skipped), then writes
     * metrics.json, run.json (with {@code runJson}'s settings) and report.html, and prints the scores.
     */
    static void gradeAndReport(List<ArtifactsTask> tasks, Map<String, String> answers, Path runPath, ObjectNode runJson,
                               ArtifactsOptions artifacts, ArtifactsJudge judge, int concurrency) throws IOException {
        Set<String> graded = ArtifactsGrading.graded(RunDirectory.readResults(runPath));
        List<ArtifactsGrading.Item> items = new ArrayList<>();
        for (ArtifactsTask task : tasks) {
            if (!graded.contains(task.index())) items.add(new ArtifactsGrading.Item(task, answers.get(task.index())));
        }
        if (!graded.isEmpty()) System.err.println("resuming " + runPath + ": " + graded.size() + " task(s) graded, " + items.size() + " to go");
        runJson.put("judge", artifacts.renderOnly ? null : artifacts.judge).put("viewport", artifacts.viewport)
                .put("evalbox_version", VersionInfo.version()).put("started", Instant.now().toString());
        try (RunDirectory run = RunDirectory.open(runPath)) {
            run.writeRunJson(runJson); // written first too, so that `evalbox report` knows the run while it runs or after a crash
            Progress progress = new Progress(System.err, "artifactsbench", items.size());
            new ArtifactsGrading(artifacts.renderSettings(), judge, run).grade(items, concurrency, r -> progress.step(!r.path("score").isNull()));
            progress.finish();
            ObjectNode metrics = ArtifactsGrading.metrics(RunDirectory.readResults(runPath));
            Files.writeString(runPath.resolve("metrics.json"), new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
            runJson.put("finished", Instant.now().toString());
            runJson.set("metrics", metrics);
            run.writeRunJson(runJson);
            System.out.printf("%nmean score: %s over %d scored task(s) of %d answered; %d unscored%n",
                    metrics.path("mean_score").isNull() ? "-" : String.format("%.1f", metrics.path("mean_score").asDouble()),
                    metrics.path("scored").asInt(), metrics.path("answered").asInt(), metrics.path("unscored").asInt());
            int noAnswer = metrics.path("no_answer").asInt();
            if (noAnswer > 0) {
                System.out.printf("%d task(s) had no answer: left out of the metrics, as the reference only sees the answers file%n", noAnswer);
            }
            metrics.path("by_category").fields().forEachRemaining(e -> System.out.printf("  %-28s %5.1f  (%d)%n", e.getKey(),
                    e.getValue().path("mean_score").asDouble(), e.getValue().path("tasks").asInt()));
        }
        System.out.println("report: " + new RunReport(runPath).write().toAbsolutePath());
        System.out.println("run directory: " + runPath.toAbsolutePath());
    }
}
