package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Grades ArtifactsBench answers: the page is extracted, rendered (screenshots into the run's
 * artifacts/&lt;task&gt;/) and judged; a task without a page is judged on its text alone. Each worker
 * keeps one browser for all its pages. With no judge, only rendering happens (render-only).
 */
public final class ArtifactsGrading {
    /** The reason of a task graded without an answer; such a task is graded again when it gets one (a resumed run). */
    public static final String NO_ANSWER = "no answer for this task";

    private final ArtifactRenderer.Settings renderSettings;
    private final ArtifactsJudge judge;
    private final RunDirectory run;

    public ArtifactsGrading(ArtifactRenderer.Settings renderSettings, ArtifactsJudge judge, RunDirectory run) {
        this.renderSettings = renderSettings;
        this.judge = judge;
        this.run = run;
    }

    /** One task with its answer ({@code null} when the answers file has none). */
    public record Item(ArtifactsTask task, String answer) { }

    public void grade(List<Item> items, int concurrency, Consumer<ObjectNode> onResult) {
        Workers.run(items, concurrency, () -> new ArtifactRenderer(renderSettings), (renderer, item) -> {
            ObjectNode result = gradeOne(renderer, item);
            run.appendResult(result);
            onResult.accept(result);
        });
    }

    private ObjectNode gradeOne(ArtifactRenderer renderer, Item item) {
        ArtifactsTask task = item.task();
        ObjectNode line = RunDirectory.object().put("task_id", task.index()).put("category", task.categoryPrefix())
                .put("difficulty", task.difficulty());
        if (item.answer() == null || item.answer().isEmpty()) {
            return line.putNull("score").put("reason", NO_ANSWER);
        }
        Optional<ArtifactPage> page = ArtifactPage.of(item.answer());
        List<Path> screenshots = new ArrayList<>();
        if (page.isPresent()) {
            Path dir = run.path().resolve("artifacts").resolve(task.index());
            ArtifactRenderer.Rendering rendering = renderer.render(page.get().html(), dir, "page");
            screenshots.addAll(rendering.screenshots());
            line.put("page_type", page.get().type()).put("render_outcome", rendering.outcome()).put("render_error", rendering.error());
            ArrayNode shots = line.putArray("screenshots");
            rendering.screenshots().forEach(s -> shots.add(run.path().relativize(s).toString()));
            ArrayNode blocked = line.putArray("blocked_requests");
            rendering.blockedRequests().forEach(blocked::add);
            ArrayNode dialogs = line.putArray("dialogs");
            rendering.dialogs().forEach(dialogs::add);
            ArrayNode navigations = line.putArray("navigations");
            rendering.navigations().forEach(navigations::add);
        } else {
            line.put("page_type", "none").put("render_outcome", "nothing to render");
        }
        if (judge == null) return line.putNull("score").put("reason", "render only");
        ArtifactsJudge.Verdict verdict = judge.judge(task, item.answer(), screenshots);
        line.put("judge_reply", verdict.reply()).put("judge_attempts", verdict.attempts());
        if (verdict.score().isPresent()) {
            line.put("score", verdict.score().get().value()).put("score_text", verdict.score().get().text()).put("reason", "");
        } else {
            line.putNull("score").put("reason", "unscored: " + verdict.error());
        }
        return line;
    }

    /** The tasks a run has graded (what --resume skips): every task with a result line, except those graded without an answer. */
    public static Set<String> graded(Collection<JsonNode> results) {
        Set<String> done = new HashSet<>();
        latestByTask(results).forEach(r -> {
            if (!NO_ANSWER.equals(r.path("reason").asText())) done.add(r.path("task_id").asText());
        });
        return done;
    }

    /** Each task's last result line: a resumed run appends a new line for a task that had no answer before. */
    public static Collection<JsonNode> latestByTask(Collection<JsonNode> results) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        results.forEach(r -> latest.put(r.path("task_id").asText(), r));
        return latest.values();
    }

    /** Mean score overall, by category prefix and by difficulty, with counts; unscored tasks are counted apart. */
    public static ObjectNode metrics(Collection<JsonNode> allResults) {
        Collection<JsonNode> results = latestByTask(allResults);
        ObjectNode metrics = RunDirectory.object();
        double sum = 0;
        int scored = 0;
        int unscored = 0;
        Map<String, double[]> byCategory = new TreeMap<>();
        Map<String, double[]> byDifficulty = new TreeMap<>();
        for (var r : results) {
            if (r.path("score").isNull() || r.path("score").isMissingNode()) {
                unscored++;
                continue;
            }
            double score = r.path("score").asDouble();
            sum += score;
            scored++;
            add(byCategory, r.path("category").asText(), score);
            add(byDifficulty, r.path("difficulty").asText(), score);
        }
        metrics.put("mean_score", scored == 0 ? null : sum / scored).put("scored", scored).put("unscored", unscored);
        ObjectNode categories = metrics.putObject("by_category");
        byCategory.forEach((k, v) -> categories.putObject(k).put("mean_score", v[0] / v[1]).put("tasks", (int) v[1]));
        ObjectNode difficulties = metrics.putObject("by_difficulty");
        byDifficulty.forEach((k, v) -> difficulties.putObject(k).put("mean_score", v[0] / v[1]).put("tasks", (int) v[1]));
        return metrics;
    }

    private static void add(Map<String, double[]> map, String key, double score) {
        double[] v = map.computeIfAbsent(key, k -> new double[2]);
        v[0] += score;
        v[1]++;
    }
}
