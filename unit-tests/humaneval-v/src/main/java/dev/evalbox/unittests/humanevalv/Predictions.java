package dev.evalbox.unittests.humanevalv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /**
     * The entries as the reference's v2 grades them: one per task, in the order each qid first appears, with the
     * predictions of all its entries concatenated in file order (a duplicate prediction stays: each is a sample).
     * The reference keeps nothing else of an entry but one prompt per prediction, which grading does not read: the
     * merged entry keeps the prompt only when all its parts had the same one.
     */
    public static List<Entry> mergeByQid(List<Entry> entries) {
        Map<String, List<Entry>> byQid = new LinkedHashMap<>();
        entries.forEach(e -> byQid.computeIfAbsent(e.qid(), q -> new ArrayList<>()).add(e));
        List<Entry> merged = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> task : byQid.entrySet()) {
            List<String> predictions = new ArrayList<>();
            task.getValue().forEach(part -> predictions.addAll(part.predictions()));
            List<Optional<String>> prompts = task.getValue().stream().map(Entry::prompt).distinct().toList();
            merged.add(new Entry(task.getKey(), predictions, prompts.size() == 1 ? prompts.get(0) : Optional.empty()));
        }
        return merged;
    }

    /**
     * The reference's v2 check of merged entries: every task has as many predictions as the largest task before it
     * (a later one may have more). A predictions file that fails it is one the reference refuses.
     */
    public static void checkSampleCounts(List<Entry> merged) {
        int most = 0;
        String mostQid = null;
        for (Entry task : merged) {
            if (task.predictions().size() < most) {
                throw new IllegalArgumentException("task " + task.qid() + " has " + task.predictions().size() + " prediction(s) in all its entries,"
                        + " fewer than the " + most + " of " + mostQid + " before it: HumanEval-V's v2 evaluate.py refuses such a file (every task"
                        + " must have the same number of samples, and a later one never fewer); complete the task's predictions or drop the extra ones");
            }
            if (task.predictions().size() > most) {
                most = task.predictions().size();
                mostQid = task.qid();
            }
        }
    }
}
