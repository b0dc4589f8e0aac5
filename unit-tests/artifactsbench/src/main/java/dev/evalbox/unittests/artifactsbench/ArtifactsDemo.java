package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.DemoPart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The demo's ArtifactsBench part: evalbox's own ArtifactsBench-format sample (an HTML tool, an SVG, a
 * canvas animation, an answer with no page) graded by `evalbox grade artifactsbench` itself, rendered in
 * headless Chromium and judged by the in-process measuring judge. Skipped, saying so, without Chromium.
 */
final class ArtifactsDemo implements DemoPart {
    /** Runs the part into its folder and returns the number of failures (0 when skipped). */
    @Override
    public int run(Context context) {
        System.out.println("\n── ArtifactsBench sample: evalbox's own pages rendered in Chromium and scored by a scripted judge");
        Path chromium = ArtifactRenderer.Settings.defaults().chromium();
        if (!Files.isExecutable(chromium)) {
            System.out.println("  skipped: Chromium is not at " + chromium + " (scripts/setup.sh chromium installs it)");
            return 0;
        }
        Path data = ArtifactsSample.write(context.dir().resolve("data"));
        Path run = context.dir().resolve("run");
        // the same path as `evalbox grade artifactsbench`, with the in-process measuring judge standing in for a model
        int exit = context.evalbox("grade", "artifactsbench", "--dataset", data.resolve("tasks.jsonl").toString(),
                "--answers", data.resolve("answers.jsonl").toString(), "--judge", ArtifactsOptions.MEASURING_JUDGE,
                "--concurrency", "2", "--out", run.toString());
        int failed = 0;
        List<JsonNode> rows = new ArrayList<>(ArtifactsGrading.latestByTask(RunDirectory.readResults(run)));
        rows.sort(Comparator.comparingInt(r -> r.path("task_id").asInt()));
        for (JsonNode row : rows) {
            boolean rendered = "none".equals(row.path("page_type").asText()) || "ok".equals(row.path("render_outcome").asText());
            boolean scored = row.path("score").isNumber();
            if (!rendered || !scored) failed++;
            System.out.printf("  task %s  %-28s %-6s rendering %-18s score %s%n", row.path("task_id").asText(), row.path("category").asText(),
                    row.path("page_type").asText(), row.path("render_outcome").asText(), scored ? row.path("score_text").asText() : "none");
        }
        int tasks = ArtifactsSample.entries().size();
        if (exit != 0) System.out.println("  the sample grading did not finish (exit code " + exit + ")");
        return failed + (tasks - rows.size());
    }
}
