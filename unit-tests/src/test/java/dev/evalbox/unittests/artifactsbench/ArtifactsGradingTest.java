package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        assertEquals(java.util.Set.of("1", "3"), ArtifactsGrading.graded(rows), "task 2 had no answer: graded again on resume");
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
}
