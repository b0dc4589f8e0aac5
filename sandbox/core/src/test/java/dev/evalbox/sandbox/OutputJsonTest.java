package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OutputJsonTest {
    @Test
    void everyOutputSurvivesARoundTripInNbformatShape() {
        List<Output> outputs = List.of(
                new Output.Stream("stderr", "warn\n"),
                new Output.ExecuteResult(3, Map.of("text/plain", "42"), Map.of()),
                new Output.DisplayData(Map.of("image/png", "iVBOR"), Map.of("width", 10), Optional.of("d1"), false),
                new Output.Error("ValueError", "bad", List.of("line 1", "line 2")),
                new Output.ClearOutput(true));
        for (Output output : outputs) {
            assertEquals(output, OutputJson.fromJson(OutputJson.toJson(output)));
        }
        assertEquals("display_data", OutputJson.toJson(outputs.get(2)).path("output_type").asText());
        assertEquals("d1", OutputJson.toJson(outputs.get(2)).path("transient").path("display_id").asText());
    }

    @Test
    void readsJupyterMultiLineTextAndRejectsUnknownTypes() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Output stream = OutputJson.fromJson(json.readTree("{\"output_type\":\"stream\",\"name\":\"stdout\",\"text\":[\"a\\n\",\"b\\n\"]}"));
        assertEquals(new Output.Stream("stdout", "a\nb\n"), stream);
        assertThrows(IllegalArgumentException.class, () -> OutputJson.fromJson(json.readTree("{\"output_type\":\"nope\"}")));
    }
}
