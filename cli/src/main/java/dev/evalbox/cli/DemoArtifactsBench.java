package dev.evalbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.artifactsbench.ArtifactsData;
import dev.evalbox.unittests.artifactsbench.ArtifactsGrading;
import dev.evalbox.unittests.artifactsbench.ArtifactsJudge;
import dev.evalbox.unittests.artifactsbench.ArtifactsSample;
import dev.evalbox.unittests.artifactsbench.MeasuringJudge;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's ArtifactsBench part: evalbox's own ArtifactsBench-format sample (an HTML tool, an SVG, a
 * canvas animation, an answer with no page) rendered in headless Chromium and judged by the in-process
 * measuring judge, through the same grading as `grade artifactsbench`. Skipped, saying so, without Chromium.
 */
final class DemoArtifactsBench {
    private DemoArtifactsBench() { }

    /** Runs the part into {@code runDir}/artifactsbench-sample and returns the number of failures (0 when skipped). */
    static int run(Path runDir) throws IOException {
        System.out.println("\n── ArtifactsBench sample: evalbox's own pages rendered in Chromium and scored by a scripted judge");
        ArtifactsOptions options = new ArtifactsOptions();
        Path chromium = options.renderSettings().chromium();
        if (!Files.isExecutable(chromium)) {
            System.out.println("  skipped: Chromium is not at " + chromium + " (scripts/setup.sh chromium installs it)");
            return 0;
        }
        Path data = ArtifactsSample.write(runDir.resolve("artifactsbench-sample/data"));
        Path run = runDir.resolve("artifactsbench-sample/run");
        Map<String, String> answers = new HashMap<>();
        ArtifactsData.readAnswers(data.resolve("answers.jsonl")).items().forEach(e -> answers.put(e.getKey(), e.getValue()));
        options.judge = "measuring-judge (in-process, scores what it measures on the screenshots)";
        GradeArtifactsBenchCommand.gradeAndReport(ArtifactsData.readTasks(data.resolve("tasks.jsonl")).items(), answers, run,
                RunDirectory.object().put("kind", "demo").put("benchmark", "artifactsbench").put("model", "evalbox sample answers"),
                options, new ArtifactsJudge(new MeasuringJudge(), ArtifactsJudge.DEFAULT_PROMPT, 200_000), 2);
        int failed = 0;
        List<JsonNode> rows = new ArrayList<>(ArtifactsGrading.latestByTask(RunDirectory.readResults(run)));
        rows.sort(Comparator.comparingInt(r -> r.path("task_id").asInt()));
        for (JsonNode row : rows) {
            boolean rendered = "none".equals(row.path("page_type").asText()) || "ok".equals(row.path("render_outcome").asText());
            boolean scored = !row.path("score").isNull();
            if (!rendered || !scored) failed++;
            System.out.printf("  task %s  %-28s %-6s rendering %-18s score %s%n", row.path("task_id").asText(), row.path("category").asText(),
                    row.path("page_type").asText(), row.path("render_outcome").asText(), scored ? row.path("score_text").asText() : "none");
        }
        return failed;
    }
}
