package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.stats.Observations;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Grades one ArtifactsBench answer: the page is extracted, rendered through the run's {@link RendererPool}
 * (screenshots into the run's artifacts/&lt;task&gt;/) and judged; a task without a page is judged on its
 * text alone. With no judge, only rendering happens (render-only). Also the bookkeeping over result rows:
 * which rows settle their task, each task's last row, and the metrics.
 */
public final class ArtifactsGrading {
    /**
     * The reason of a task the answers file has no line for (or whose generation failed); such a task is left out of
     * the metrics (the reference only sees the answers file) and graded when it gets an answer (a resumed run). A line
     * whose answer is empty is an answer: the reference judges it on its text alone, and so does evalbox.
     */
    public static final String NO_ANSWER = "no answer for this task";

    private final RendererPool renderers;
    private final ArtifactsJudge judge;

    /** {@code judge} null: render only. */
    public ArtifactsGrading(RendererPool renderers, ArtifactsJudge judge) {
        this.renderers = renderers;
        this.judge = judge;
    }

    /** The row of a task without an answer. */
    public static ResultRow noAnswer(ArtifactsTask task) {
        return ResultRow.scored(task.index(), null, NO_ANSWER, RunDirectory.object());
    }

    /**
     * Grades one answered task of the run in {@code runDir}: its rendering (when it has a page) and, with a judge, its
     * score; {@code calls} hears each call to the judge. An unscored row has {@code "score": null}.
     */
    public ResultRow grade(ArtifactsAnswer item, Path runDir, ArtifactsJudge.CallListener calls) {
        return grade(item, runDir, runDir.resolve("artifacts").resolve(item.task().index()), 1, calls);
    }

    /**
     * Grades the answer of attempt {@code epoch} (from 1), with its page and screenshots in {@code artifacts} (an epoch's
     * own folder): the judge's calls are made as that attempt's.
     */
    public ResultRow grade(ArtifactsAnswer item, Path runDir, Path artifacts, int epoch, ArtifactsJudge.CallListener calls) {
        ArtifactsTask task = item.task();
        if (item.answer() == null) return noAnswer(task);
        Optional<ArtifactPage> page = ArtifactPage.of(item.answer());
        ArtifactRenderer.Rendering rendering = page.map(p -> renderers.render(new ArtifactRenderer.Job(p.html(), artifacts, "page"))).orElse(null);
        ObjectNode fields = RunDirectory.object();
        List<Path> screenshots = new ArrayList<>();
        if (rendering != null) {
            screenshots.addAll(rendering.screenshots());
            fields.put("page_type", page.get().type()).put("render_outcome", rendering.outcome()).put("render_error", rendering.error())
                    .put("render_note", rendering.note());
            ArrayNode shots = fields.putArray("screenshots");
            rendering.screenshots().forEach(s -> shots.add(runDir.relativize(s).toString()));
            ArrayNode blocked = fields.putArray("blocked_requests");
            rendering.blockedRequests().forEach(blocked::add);
            ArrayNode dialogs = fields.putArray("dialogs");
            rendering.dialogs().forEach(dialogs::add);
            ArrayNode navigations = fields.putArray("navigations");
            rendering.navigations().forEach(navigations::add);
        } else {
            fields.put("page_type", "none").put("render_outcome", "nothing to render");
        }
        return judged(item, fields, screenshots, epoch, calls);
    }

    /**
     * Grades an answer whose page was rendered before (by the run a re-judging reads): {@code renderFields} are that
     * rendering's fields, {@code screenshots} its screenshots (already in this run's directory); only the judge is asked.
     */
    public ResultRow gradeRendered(ArtifactsAnswer item, ObjectNode renderFields, List<Path> screenshots, int epoch,
                                   ArtifactsJudge.CallListener calls) {
        if (item.answer() == null) return noAnswer(item.task());
        return judged(item, renderFields.deepCopy(), screenshots, epoch, calls);
    }

    private ResultRow judged(ArtifactsAnswer item, ObjectNode fields, List<Path> screenshots, int epoch, ArtifactsJudge.CallListener calls) {
        ArtifactsTask task = item.task();
        if (judge == null) return ResultRow.scored(task.index(), null, "render only", fields);
        ArtifactsJudge.Verdict verdict = judge.judge(task, item.answer(), screenshots, epoch, calls);
        // judge_reply is what the reference keeps as the judge's reason (the reply after its last </think>), and
        // the whole reply is kept beside it
        fields.put("judge_reply", verdict.reason()).put("judge_reply_full", verdict.reply()).put("judge_attempts", verdict.attempts());
        if (verdict.score().isEmpty()) {
            return ResultRow.scored(task.index(), null, "unscored: " + verdict.error(), fields);
        }
        fields.put("score_text", verdict.score().get().text());
        return ResultRow.scored(task.index(), verdict.score().get().value(), "", fields);
    }

    /** Whether a row settles its task for --resume: every row does, except one graded without an answer. */
    public static boolean settles(JsonNode row) {
        return !NO_ANSWER.equals(row.path("reason").asText());
    }

    /** Each task's last result line: a resumed run appends a new line for a task that had no answer before. */
    public static Collection<JsonNode> latestByTask(Collection<JsonNode> results) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        // one attempt per task and epoch (a row written before epochs existed is epoch 1)
        results.forEach(r -> latest.put(r.path("epoch").asInt(1) + "/" + r.path("task_id").asText(), r));
        return latest.values();
    }

    /**
     * Mean score overall, by category prefix and by difficulty, over the answered tasks whose score parsed, as the
     * reference's average (unparsed scores are its error count, left out of the mean). Tasks without an answer
     * ({@code no_answer}) are counted apart and left out of everything else: the reference never sees them.
     */
    public static ObjectNode metrics(Collection<JsonNode> allResults) {
        return metrics(allResults, new Observations());
    }

    /**
     * The metrics, and into {@code observations} each scored attempt's score under the mean it enters
     * ({@code /mean_score}, {@code /by_category/<c>/mean_score}, {@code /by_difficulty/<d>/mean_score}); scores
     * have no upper bound the judge must keep to, so intervals are clipped at 0 only.
     */
    public static ObjectNode metrics(Collection<JsonNode> allResults, Observations observations) {
        Collection<JsonNode> results = latestByTask(allResults);
        observations.metric("/mean_score", 0, Double.POSITIVE_INFINITY);
        ObjectNode metrics = RunDirectory.object();
        double sum = 0;
        int scored = 0;
        int unscored = 0;
        int noAnswer = 0;
        Map<String, double[]> byCategory = new TreeMap<>();
        Map<String, double[]> byDifficulty = new TreeMap<>();
        for (var r : results) {
            if (NO_ANSWER.equals(r.path("reason").asText())) {
                noAnswer++;
                continue;
            }
            if (r.path("score").isNull() || r.path("score").isMissingNode()) {
                unscored++;
                continue;
            }
            double score = r.path("score").asDouble();
            sum += score;
            scored++;
            add(byCategory, r.path("category").asText(), score);
            add(byDifficulty, r.path("difficulty").asText(), score);
            String task = r.path("task_id").asText();
            observations.add("/mean_score", 0, Double.POSITIVE_INFINITY, task, score)
                    .add(Observations.pointer("by_category", r.path("category").asText(), "mean_score"), 0, Double.POSITIVE_INFINITY, task, score)
                    .add(Observations.pointer("by_difficulty", r.path("difficulty").asText(), "mean_score"), 0, Double.POSITIVE_INFINITY, task, score);
        }
        metrics.put("mean_score", scored == 0 ? null : sum / scored).put("answered", scored + unscored).put("scored", scored)
                .put("unscored", unscored).put("no_answer", noAnswer);
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
