package dev.evalbox.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.artifactsbench.ArtifactRenderer;
import dev.evalbox.unittests.artifactsbench.ArtifactsData;
import dev.evalbox.unittests.artifactsbench.ArtifactsGrading;
import dev.evalbox.unittests.artifactsbench.ArtifactsJudge;
import dev.evalbox.unittests.artifactsbench.ArtifactsTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    @Option(names = "--judge", description = "The judge model (OpenAI-compatible, with image input).")
    String judge;

    @Option(names = "--judge-base-url", description = "The judge's server (default: $OPENAI_BASE_URL).")
    String judgeBaseUrl;

    @Option(names = "--judge-api-key-env", description = "The environment variable holding the judge's API key. Default: ${DEFAULT-VALUE}.")
    String judgeApiKeyEnv = "OPENAI_API_KEY";

    @Option(names = "--render-only", description = "Render and keep the screenshots, without judging.")
    boolean renderOnly;

    @Option(names = "--prompt", description = "A judge prompt template with {question}, {checklist}, {answer} (e.g. the official one).")
    Path promptFile;

    @Option(names = "--viewport", description = "Viewport WIDTHxHEIGHT. Default: ${DEFAULT-VALUE} (the released code; the paper says 1024x768).")
    String viewport = "1280x720";

    @Mixin RunOptions runOptions;

    @Override
    public Integer call() throws IOException {
        if (judge == null && !renderOnly) throw new UserException("give --judge MODEL, or --render-only");
        var tasks = ArtifactsData.readTasks(dataset);
        tasks.problems().forEach(p -> System.err.println("warning: " + p + " (skipped)"));
        var loadedAnswers = ArtifactsData.readAnswers(answers);
        loadedAnswers.problems().forEach(p -> System.err.println("warning: " + p + " (skipped)"));
        Map<String, String> byIndex = new HashMap<>();
        loadedAnswers.items().forEach(e -> byIndex.put(e.getKey(), e.getValue()));
        List<ArtifactsGrading.Item> items = new ArrayList<>();
        for (ArtifactsTask task : runOptions.limited(tasks.items())) items.add(new ArtifactsGrading.Item(task, byIndex.get(task.index())));
        String[] size = viewport.toLowerCase().split("x");
        if (size.length != 2) throw new UserException("--viewport must look like 1280x720");
        ArtifactRenderer.Settings render = new ArtifactRenderer.Settings(Path.of("/usr/bin/chromium"), Integer.parseInt(size[0]),
                Integer.parseInt(size[1]), 3, Duration.ofSeconds(1), Duration.ofSeconds(60));
        ArtifactsJudge artifactsJudge = null;
        if (!renderOnly) {
            OpenAiChatModel.Builder builder = OpenAiChatModel.builder().model(judge).apiKey(System.getenv(judgeApiKeyEnv)).maxAttempts(3);
            if (judgeBaseUrl != null) builder.baseUrl(judgeBaseUrl);
            artifactsJudge = new ArtifactsJudge(builder.build(), promptFile == null ? ArtifactsJudge.DEFAULT_PROMPT : Files.readString(promptFile),
                    200_000);
        }
        Path runPath = runOptions.runPath("grade-artifactsbench");
        try (RunDirectory run = RunDirectory.open(runPath)) {
            Progress progress = new Progress(System.err, "artifactsbench", items.size());
            new ArtifactsGrading(render, artifactsJudge, run).grade(items, runOptions.concurrency, r -> progress.step(!r.path("score").isNull()));
            progress.finish();
            ObjectMapper json = new ObjectMapper();
            ObjectNode metrics = ArtifactsGrading.metrics(RunDirectory.readResults(runPath));
            Files.writeString(runPath.resolve("metrics.json"), json.writerWithDefaultPrettyPrinter().writeValueAsString(metrics));
            ObjectNode runJson = RunDirectory.object().put("kind", "grade").put("benchmark", "artifactsbench").put("judge", judge)
                    .put("viewport", viewport).put("finished", Instant.now().toString());
            runJson.set("metrics", metrics);
            run.writeRunJson(runJson);
            System.out.printf("%nmean score: %s over %d scored task(s); %d unscored%n",
                    metrics.path("mean_score").isNull() ? "-" : String.format("%.1f", metrics.path("mean_score").asDouble()),
                    metrics.path("scored").asInt(), metrics.path("unscored").asInt());
            metrics.path("by_category").fields().forEachRemaining(e -> System.out.printf("  %-28s %5.1f  (%d)%n", e.getKey(),
                    e.getValue().path("mean_score").asDouble(), e.getValue().path("tasks").asInt()));
        }
        System.out.println("run directory: " + runPath.toAbsolutePath());
        return 0;
    }
}
