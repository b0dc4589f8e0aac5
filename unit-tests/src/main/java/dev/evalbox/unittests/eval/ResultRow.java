package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One scored attempt: a line of results.jsonl. {@code passed} and/or {@code score} carry the verdict
 * (null where the benchmark gives none, e.g. an ungraded task); {@code fields} are the benchmark's own
 * columns (turns, tokens, evidence), written after the common ones.
 *
 * @param sample the sample of a task that draws several (HumanEval-V's pass@k), 0 when there is one
 */
public record ResultRow(String taskId, int sample, Boolean passed, Double score, String reason, ObjectNode fields) {

    public ResultRow {
        if (taskId == null) throw new IllegalArgumentException("a result row needs a task id");
        if (fields == null) fields = dev.evalbox.unittests.RunDirectory.object();
    }

    public static ResultRow passFail(String taskId, Boolean passed, String reason, ObjectNode fields) {
        return new ResultRow(taskId, 0, passed, null, reason, fields);
    }
}
