package dev.evalbox.unittests.humanevalv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A predictions file in the reference's format: a JSON list of {"qid", "predictions": [str, ...]},
 * with an optional "prompt" kept. Entries that do not have that shape are errors naming the entry.
 */
public final class Predictions {
    /** One task's samples. */
    public record Entry(String qid, List<String> predictions, Optional<String> prompt) {
        public Entry {
            predictions = List.copyOf(predictions);
        }
    }

    private Predictions() { }

    public static List<Entry> read(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + " cannot be read as JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) throw new IllegalArgumentException(file + ": expected a JSON list of {qid, predictions}");
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode node = root.get(i);
            String where = file.getFileName() + " entry " + i;
            if (!node.path("qid").isTextual()) throw new IllegalArgumentException(where + ": field \"qid\" missing or not a string");
            JsonNode predictions = node.get("predictions");
            if (predictions == null || !predictions.isArray()) {
                throw new IllegalArgumentException(where + " (" + node.get("qid").asText() + "): field \"predictions\" must be a list of strings");
            }
            List<String> texts = new ArrayList<>();
            for (JsonNode p : predictions) {
                if (!p.isTextual()) throw new IllegalArgumentException(where + " (" + node.get("qid").asText() + "): a prediction is not a string");
                texts.add(p.asText());
            }
            entries.add(new Entry(node.get("qid").asText(), texts,
                    node.path("prompt").isTextual() ? Optional.of(node.get("prompt").asText()) : Optional.empty()));
        }
        return entries;
    }
}
