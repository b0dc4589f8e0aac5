package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.eval.stats.Bootstrap;
import dev.evalbox.unittests.eval.stats.Estimate;
import dev.evalbox.unittests.eval.stats.Observations;
import java.util.List;
import org.junit.jupiter.api.Test;

/** ArtifactsBench's scores with epochs: each task's attempts averaged first, and the observations behind the intervals. */
class ArtifactsEpochsTest {

    @Test
    void withEpochsEachTaskIsTheMeanOfItsScoredAttempts() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = List.of(
                json.readTree("{\"task_id\": \"1\", \"epoch\": 1, \"category\": \"Games\", \"difficulty\": \"easy\", \"score\": 80}"),
                json.readTree("{\"task_id\": \"1\", \"epoch\": 2, \"category\": \"Games\", \"difficulty\": \"easy\", \"score\": 60}"),
                json.readTree("{\"task_id\": \"1\", \"epoch\": 3, \"category\": \"Games\", \"difficulty\": \"easy\", \"score\": 70}"),
                json.readTree("{\"task_id\": \"2\", \"epoch\": 1, \"category\": \"SVG\", \"difficulty\": \"hard\", \"score\": 10}"),
                json.readTree("{\"task_id\": \"2\", \"epoch\": 2, \"category\": \"SVG\", \"difficulty\": \"hard\", \"score\": null, \"reason\": \"unscored: x\"}"),
                json.readTree("{\"task_id\": \"2\", \"epoch\": 3, \"category\": \"SVG\", \"difficulty\": \"hard\", \"score\": 30}"));
        Observations observations = new Observations();
        ObjectNode metrics = ArtifactsGrading.metrics(rows, observations);
        // over attempts: (80 + 60 + 70 + 10 + 30) / 5 = 50; every epoch's row counts, none replaces another
        assertEquals(50.0, metrics.path("mean_score").asDouble(), 1e-9);
        assertEquals(5, metrics.path("scored").asInt());
        observations.writeTaskMeans(metrics);
        // over tasks: task 1 mean 70, task 2 mean 20 -> 45
        assertEquals(45.0, metrics.path("mean_score").asDouble(), 1e-9);
        assertEquals(70.0, metrics.path("by_category").path("Games").path("mean_score").asDouble(), 1e-9);
        assertEquals(20.0, metrics.path("by_difficulty").path("hard").path("mean_score").asDouble(), 1e-9);
        Observations.Metric mean = observations.metrics().get(0);
        assertEquals("/mean_score", mean.pointer());
        Estimate e = Estimate.of(mean.byTask(), mean.low(), mean.high(), Bootstrap.standard());
        // two task means 70 and 20: variance 1250, stderr sqrt(1250 / 2) = 25; 45 - 49 clipped at 0
        assertEquals(25.0, e.stderr(), 1e-9);
        assertEquals(0.0, e.ciLow());
        assertEquals(94.0, e.ciHigh(), 1e-9);
        assertEquals(5, e.attempts());
    }
}
