package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grading's bookkeeping over results.jsonl lines: what a resumed run skips, and the metrics over each task's last line. */
class ArtifactsGradingTest {
    @Test
    void aResumedRunCountsEachTasksLastLineAndRegradesTasksThatHadNoAnswer() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        rows.add(json.readTree("{\"task_id\": \"1\", \"category\": \"Games\", \"difficulty\": \"easy\", \"score\": 80}"));
        rows.add(json.readTree("{\"task_id\": \"2\", \"category\": \"Games\", \"difficulty\": \"hard\", \"score\": null, \"reason\": \""
                + ArtifactsGrading.NO_ANSWER + "\"}"));
        rows.add(json.readTree("{\"task_id\": \"3\", \"category\": \"SVG\", \"difficulty\": \"hard\", \"score\": null, \"reason\": \"unscored: x\"}"));
        java.util.Set<String> settled = new java.util.HashSet<>();
        ArtifactsGrading.latestByTask(rows).forEach(r -> {
            if (ArtifactsGrading.settles(r)) settled.add(r.path("task_id").asText());
        });
        assertEquals(java.util.Set.of("1", "3"), settled, "task 2 had no answer: graded again on resume");
        rows.add(json.readTree("{\"task_id\": \"2\", \"category\": \"Games\", \"difficulty\": \"hard\", \"score\": 40}"));
        rows.add(json.readTree("{\"task_id\": \"4\", \"category\": \"SVG\", \"difficulty\": \"easy\", \"score\": null, \"reason\": \""
                + ArtifactsGrading.NO_ANSWER + "\"}"));
        JsonNode metrics = ArtifactsGrading.metrics(rows);
        assertEquals(1, metrics.path("no_answer").asInt(), "task 4 has no answer");
        assertEquals(3, metrics.path("answered").asInt(), "the reference's denominator: the tasks of the answers file");
        assertEquals(60.0, metrics.path("mean_score").asDouble(), "task 2's new line replaces its old one");
        assertEquals(2, metrics.path("scored").asInt());
        assertEquals(1, metrics.path("unscored").asInt());
        assertEquals(2, metrics.path("by_category").path("Games").path("tasks").asInt());
    }

    @Test
    void answersWithoutAPageAreJudgedWithoutStartingABrowser(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        ArtifactRenderer.Settings nowhere = new ArtifactRenderer.Settings(dir.resolve("no-chromium"), 400, 300, 3,
                java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(5));
        ArtifactsTask task = new ArtifactsTask("7", "Build a page", List.of(new ArtifactsTask.ChecklistItem(0, "Works", "d", 100)), "Games-X", "easy");
        try (RendererPool renderers = new RendererPool(nowhere)) {
            ArtifactsGrading grading = new ArtifactsGrading(renderers, new ArtifactsJudge(new MeasuringJudge(), ArtifactsJudge.DEFAULT_PROMPT, 1000));
            List<String> calls = new ArrayList<>();
            var row = grading.grade(new ArtifactsAnswer(task, "Only prose, no page."), dir,
                    (prompt, images, reply, usage, clientAttempts, error, latency) -> calls.add(images.size() + ":" + error + ":" + reply));
            assertEquals(5.0, row.score(), "the measuring judge's score for nothing rendered");
            assertEquals("none", row.fields().path("page_type").asText());
            assertEquals(List.of("0:null:" + row.fields().path("judge_reply_full").asText()), calls, "one judge call, heard with its reply");
            assertEquals(0, renderers.browsers(), "no page, no browser: Chromium is not even looked for");

            var none = grading.grade(new ArtifactsAnswer(task, null), dir, ArtifactsJudge.CallListener.NONE);
            assertEquals(ArtifactsGrading.NO_ANSWER, none.reason());
            assertEquals(null, none.score());
            assertEquals(dev.evalbox.unittests.eval.ResultRow.Verdict.SCORE, none.verdict(), "an unscored row is still a scoring row (score null)");
        }
    }
}
