package dev.evalbox.unittests.pybench;

/**
 * The verdict of one task's unit test. {@code exceptionType} is the Python exception's class name
 * when the test failed (AssertionError, FileNotFoundError, ...), as PyBench records it.
 */
public record GradeResult(String taskId, boolean passed, String exceptionType, String reason, int turns, long durationMs) {

    public static GradeResult pass(String taskId, int turns, long durationMs) {
        return new GradeResult(taskId, true, null, "", turns, durationMs);
    }

    public static GradeResult fail(String taskId, String exceptionType, String reason, int turns, long durationMs) {
        return new GradeResult(taskId, false, exceptionType, reason, turns, durationMs);
    }

    /** "Pass" or "Failed:&lt;ExceptionType&gt;", the notation of PyBench's result tables. */
    public String verdict() { return passed ? "Pass" : "Failed:" + exceptionType; }
}
