package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One scored attempt: a line of results.jsonl. A pass/fail benchmark's row carries {@code passed}, a
 * scoring benchmark's {@code score}; either may be null (an ungraded task, an unscored page), and the
 * row still says which kind of verdict it lacks. {@code fields} are the benchmark's own columns (turns,
 * tokens, evidence), written after the common ones.
 *
 * @param sample the sample of a task that draws several (HumanEval-V's pass@k), 0 when there is one
 */
public record ResultRow(String taskId, int sample, Verdict verdict, Boolean passed, Double score, String reason, ObjectNode fields) {

    /** What kind of verdict a benchmark gives: a pass or fail, or a score. */
    public enum Verdict { PASS_FAIL, SCORE }

    public ResultRow {
        if (taskId == null) throw new IllegalArgumentException("a result row needs a task id");
        if (verdict == null) throw new IllegalArgumentException("a result row needs its kind of verdict");
        if (fields == null) fields = dev.evalbox.unittests.RunDirectory.object();
    }

    public static ResultRow passFail(String taskId, int sample, Boolean passed, String reason, ObjectNode fields) {
        return new ResultRow(taskId, sample, Verdict.PASS_FAIL, passed, null, reason, fields);
    }

    public static ResultRow passFail(String taskId, Boolean passed, String reason, ObjectNode fields) {
        return passFail(taskId, 0, passed, reason, fields);
    }

    /** A scoring benchmark's row; {@code score} is null when the attempt got none. */
    public static ResultRow scored(String taskId, Double score, String reason, ObjectNode fields) {
        return new ResultRow(taskId, 0, Verdict.SCORE, null, score, reason, fields);
    }

    /** Whether the attempt counts as a success for progress displays: passed, or scored. */
    public boolean succeeded() {
        return verdict == Verdict.SCORE ? score != null : Boolean.TRUE.equals(passed);
    }
}
