package dev.evalbox.unittests.view;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What the task list needs of one results.jsonl line, kept in memory for every line of a run; the
 * whole row stays on disk at {@code offset}, read back when a task page asks for it.
 */
public record RowSummary(String taskId, int sample, String status, String category, String difficulty, String reason,
                         String answer, Double score, Integer turns, long offset, int length, int epoch) implements RunSummaryHtml.Row {
    static final int SNIPPET = 240;
    private static final List<String> ANSWER_FIELDS = List.of("final_answer", "answer", "completion");

    static RowSummary of(JsonNode row, long offset, int length) {
        String answer = null;
        for (String field : ANSWER_FIELDS) {
            if (row.path(field).isTextual()) {
                answer = row.get(field).asText();
                break;
            }
        }
        return new RowSummary(row.path("task_id").asText(), row.path("sample").asInt(0), status(row), category(row),
                text(row, "difficulty"), snippet(row.path("reason").isTextual() ? row.get("reason").asText() : null), snippet(answer),
                row.path("score").isNumber() ? row.get("score").asDouble() : null,
                row.path("turns").isInt() ? row.get("turns").asInt() : null, offset, length, row.path("epoch").asInt(1));
    }

    /**
     * passed, failed, error (the attempt did not run to an answer: the model call failed or the row
     * names an error), scored (a benchmark that scores instead of passing), or unscored.
     */
    public static String status(JsonNode row) {
        boolean error = "model_error".equals(row.path("stop_reason").asText())
                || row.path("error").isTextual() && !row.get("error").asText().isBlank();
        return status(row.path("passed").isBoolean() ? row.get("passed").asBoolean() : null, error, row.path("score").isNumber());
    }

    /** The same from a row's fields: its boolean "passed" (null when it has none), whether it names an error, whether its score is a number. */
    public static String status(Boolean passed, boolean error, boolean numericScore) {
        if (passed != null) return passed ? "passed" : error ? "error" : "failed";
        if (numericScore) return "scored";
        return error ? "error" : "unscored";
    }

    /** The benchmark's grouping field: category, else the first part of ArtifactsBench's class, else task_type. */
    public static String category(JsonNode row) {
        return category(text(row, "category"), row.path("class").isTextual() ? row.get("class").asText() : null, text(row, "task_type"));
    }

    /** The same from the fields' values ({@link #clean} ones for category and task_type; class as it is), each null when absent. */
    public static String category(String category, String klass, String taskType) {
        if (category == null && klass != null) category = klass.split("-", 2)[0].strip();
        if (category == null) category = taskType;
        return category == null ? "(none)" : category;
    }

    /** A field's text as the viewer groups by it: runs of white space made one space, stripped; null when nothing is left. */
    public static String clean(String value) {
        if (value == null) return null;
        String cleaned = value.replaceAll("\\s+", " ").strip();
        return cleaned.isEmpty() ? null : cleaned;
    }

    private static String text(JsonNode row, String field) {
        if (!row.path(field).isValueNode() || row.get(field).isNull()) return null;
        return clean(row.get(field).asText());
    }

    static String snippet(String text) {
        if (text == null) return null;
        return text.length() <= SNIPPET ? text : text.substring(0, SNIPPET) + "…";
    }
}
