package dev.evalbox.unittests.codeinterpreter;

import java.util.List;
import java.util.Set;

/**
 * One record of eval_code_interpreter_v1.jsonl. Visualization-Easy queries carry "&lt;|im_end|&gt;" and a
 * prefilled assistant turn after it (its code already run, its output already shown); Hard ones are
 * bare. {@code line} is the record's line in its file, for messages.
 */
public record CodeInterpreterRecord(int line, String query, Set<String> tags, String lang, List<String> inputFiles) {
    public static final String END_OF_TURN = "<|im_end|>";

    /** The tag evalbox gives a GSM8K question (the benchmark reads those from their own dataset, not this file). */
    public static final String GSM8K_TAG = "gsm8k";

    /** What the benchmark scores the record for. */
    public enum Kind { MATH, VISUALIZATION_EASY, VISUALIZATION_HARD, GENERAL, GSM8K, OTHER }

    public CodeInterpreterRecord {
        tags = Set.copyOf(tags);
        inputFiles = List.copyOf(inputFiles);
    }

    public Kind kind() {
        if (tags.contains(GSM8K_TAG)) return Kind.GSM8K;
        if (tags.contains("visualization")) return query.contains(END_OF_TURN) ? Kind.VISUALIZATION_EASY : Kind.VISUALIZATION_HARD;
        if (tags.contains("math")) return Kind.MATH;
        if (tags.contains("general")) return Kind.GENERAL;
        return Kind.OTHER;
    }

    /** The user's question: for Easy items, the text before "&lt;|im_end|&gt;". */
    public String question() {
        int end = query.indexOf(END_OF_TURN);
        return end < 0 ? query : query.substring(0, end);
    }

    /** The prefilled assistant turn of an Easy item ("" for others), without the chat-template markers. */
    public String prefill() {
        int end = query.indexOf(END_OF_TURN);
        if (end < 0) return "";
        String rest = query.substring(end + END_OF_TURN.length());
        int start = rest.indexOf("<|im_start|>assistant");
        if (start >= 0) rest = rest.substring(start + "<|im_start|>assistant".length());
        return rest.replaceFirst("^\\n+", "");
    }

    /** The basenames of the uploaded files, which code may name directly. */
    public List<String> inputBasenames() {
        return inputFiles.stream().map(p -> p.substring(Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\')) + 1)).toList();
    }
}
