package dev.evalbox.unittests.codeinterpreter;

import java.util.Optional;

/**
 * Finds the latest tool call of a ReAct completion, as the benchmark does: the last "\nAction:",
 * the last "\nAction Input:" after it, and the last "\nObservation:" (added back at the end when
 * the model's stop sequence swallowed it). No call when "\nAction:" does not come before "\nAction Input:".
 */
public final class ReActParser {
    public static final String ACTION = "\nAction:";
    public static final String ACTION_INPUT = "\nAction Input:";
    public static final String OBSERVATION = "\nObservation:";

    private ReActParser() { }

    public static Optional<ReActCall> latestCall(String text) {
        int i = text.lastIndexOf(ACTION);
        int j = text.lastIndexOf(ACTION_INPUT);
        int k = text.lastIndexOf(OBSERVATION);
        if (!(0 <= i && i < j)) return Optional.empty();
        if (k < j) {
            text = text.stripTrailing() + OBSERVATION;
            k = text.lastIndexOf(OBSERVATION);
        }
        return Optional.of(new ReActCall(text.substring(i + ACTION.length(), j).strip(),
                text.substring(j + ACTION_INPUT.length(), k).strip(), text.substring(0, k)));
    }
}
