package dev.evalbox.kernel.java;

/** Whether a cell could run as typed: the answer to is_complete, with the indent for the next line when incomplete. */
public record CodeCompleteness(String status, String indent) {
    public static final CodeCompleteness COMPLETE = new CodeCompleteness("complete", "");
    public static final CodeCompleteness INVALID = new CodeCompleteness("invalid", "");

    public static CodeCompleteness incomplete(String indent) {
        return new CodeCompleteness("incomplete", indent);
    }
}
