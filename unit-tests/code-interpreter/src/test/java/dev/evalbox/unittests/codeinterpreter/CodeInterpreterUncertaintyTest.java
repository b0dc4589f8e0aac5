package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.unittests.eval.stats.Observations;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each rate of the Code Interpreter table has the observations it is the mean of, counted as the rate counts. */
class CodeInterpreterUncertaintyTest {

    @Test
    void everyRateIsTheMeanOfItsObservations() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        rows.add(json.readTree("{\"task_id\": \"m1\", \"kind\": \"math\", \"executable\": true, \"passed\": true}"));
        rows.add(json.readTree("{\"task_id\": \"m2\", \"kind\": \"math\", \"executable\": false, \"passed\": false}"));
        rows.add(json.readTree("{\"task_id\": \"v1\", \"kind\": \"visualization_hard\", \"executable\": true, \"passed\": true}"));
        rows.add(json.readTree("{\"task_id\": \"v2\", \"kind\": \"visualization_hard\", \"executable\": true, \"passed\": null}"));
        rows.add(json.readTree("{\"task_id\": \"v3\", \"kind\": \"visualization_easy\", \"executable\": false, \"passed\": false}"));
        Observations observations = new Observations();
        Map<String, CodeInterpreterSummary.Rate> table = CodeInterpreterSummary.of(rows, observations);
        for (Observations.Metric metric : observations.metrics()) {
            String name = metric.pointer().substring(1, metric.pointer().length() - "/percent".length());
            CodeInterpreterSummary.Rate rate = table.get(name);
            double mean = metric.byTask().values().stream().flatMap(List::stream).mapToDouble(Double::doubleValue).average().orElseThrow();
            assertEquals(rate.percent(), mean, 1e-9, name);
            assertEquals(rate.total(), metric.byTask().size(), name);
        }
        assertEquals(1, observations.metrics().stream().filter(m -> m.pointer().equals("/Vis-Hard/percent")).findFirst().orElseThrow()
                .byTask().size(), "an unjudged item is not counted, as in the rate");
        assertFalse(observations.metrics().stream().anyMatch(m -> m.pointer().equals("/GSM8K accuracy/percent")), "no GSM8K item: no metric");
    }
}
