package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.trajectory.JsonLines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the benchmark's files: eval_code_interpreter_v1.jsonl ({@link #readRecords}) and the GSM8K
 * test set ({@link #readGsm8k}). A malformed line does not stop the read: it becomes a problem naming
 * its line and field, so the run can record it and go on.
 */
public final class CodeInterpreterData {
    static final Set<String> TAGS = Set.of("all_ci", "math", "visualization", "general");

    /** What a file held: the usable items and, for each unusable line, what is wrong with it. */
    public record Loaded<T>(List<T> items, List<String> problems) { }

    /** One GSM8K test item; the gold answer is the number after "#### " in {@code answer}. */
    public record Gsm8kRecord(int line, String question, String answer) { }

    private CodeInterpreterData() { }

    public static Loaded<CodeInterpreterRecord> readRecords(Path file) {
        List<CodeInterpreterRecord> records = new ArrayList<>();
        List<String> problems = JsonLines.read(file, (number, node) -> {
            if (!node.isObject()) return "expected a JSON object";
            String query = text(node, "query");
            if (query == null) return "field \"query\" missing or not a string";
            String tagText = text(node, "tags");
            if (tagText == null) return "field \"tags\" missing or not a string";
            Set<String> tags = new LinkedHashSet<>();
            for (String tag : tagText.split(",")) {
                if (tag.isBlank()) continue;
                if (!TAGS.contains(tag.strip())) return "unknown tag \"" + tag.strip() + "\" (expected some of " + TAGS + ")";
                tags.add(tag.strip());
            }
            String lang = node.hasNonNull("lang") ? node.get("lang").asText() : "en";
            if (!lang.equals("en") && !lang.equals("zh")) return "field \"lang\" must be en or zh, not \"" + lang + "\"";
            List<String> inputs = new ArrayList<>();
            JsonNode paths = node.get("input_file_path");
            if (paths != null && !paths.isNull()) {
                if (paths.isTextual()) inputs.add(paths.asText());
                else if (paths.isArray()) paths.forEach(p -> inputs.add(p.asText()));
                else return "field \"input_file_path\" must be a list of paths";
            }
            records.add(new CodeInterpreterRecord(number, query, tags, lang, inputs));
            return null;
        });
        return new Loaded<>(List.copyOf(records), List.copyOf(problems));
    }

    public static Loaded<Gsm8kRecord> readGsm8k(Path file) {
        List<Gsm8kRecord> records = new ArrayList<>();
        List<String> problems = JsonLines.read(file, (number, node) -> {
            if (!node.isObject()) return "expected a JSON object";
            String question = text(node, "question");
            String answer = text(node, "answer");
            if (question == null) return "field \"question\" missing or not a string";
            if (answer == null) return "field \"answer\" missing or not a string";
            if (!answer.contains("#### ") || Gsm8kAnswers.extract(answer).isEmpty()) {
                return "field \"answer\" has no gold number after \"#### \"";
            }
            records.add(new Gsm8kRecord(number, question, answer));
            return null;
        });
        return new Loaded<>(List.copyOf(records), List.copyOf(problems));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
