package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Output;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The benchmark's observation text: every output as "\n\n{kind}:\n\n```\n{text}\n```" (kind stdout,
 * stderr, execute_result, display_data or error; an error's traceback joined by newlines, ANSI codes
 * stripped), each image as "\n\n![fig-NNN](path)" once saved, the whole left-stripped of newlines.
 */
public final class Observation {
    static final Pattern ANSI = Pattern.compile("(?:\\x1B[@-_]|[\\x80-\\x9F])[0-?]*[ -/]*[@-~]");

    private Observation() { }

    /**
     * {@code saveImage} stores a PNG and returns the path the observation shows. A cell that hit the
     * time limit shows the benchmark's timeout message instead of the interrupt's traceback.
     */
    public static String format(ExecutionResult result, Function<byte[], String> saveImage, int firstImageNumber) {
        return format(result, saveImage, firstImageNumber, result.duration());
    }

    /** As {@link #format(ExecutionResult, Function, int)}, naming {@code timeLimit} in a timeout message. */
    public static String format(ExecutionResult result, Function<byte[], String> saveImage, int firstImageNumber,
                                java.time.Duration timeLimit) {
        StringBuilder text = new StringBuilder();
        int image = firstImageNumber;
        for (Output output : result.outputs()) {
            if (output instanceof Output.Stream s) {
                block(text, s.name(), s.text());
            } else if (output instanceof Output.Error e) {
                if (result.status() == ExecutionStatus.TIMEOUT) continue;
                block(text, "error", ANSI.matcher(String.join("\n", e.traceback())).replaceAll(""));
            } else if (output instanceof Output.MimeBundle bundle) {
                String kind = output instanceof Output.ExecuteResult ? "execute_result" : "display_data";
                var png = bundle.png();
                if (png.isPresent()) {
                    if (output instanceof Output.ExecuteResult) bundle.plainText().ifPresent(t -> block(text, kind, t));
                    text.append("\n\n").append(String.format("![fig-%03d](%s)", image++, saveImage.apply(png.get())));
                } else {
                    bundle.plainText().ifPresent(t -> block(text, kind, t));
                }
            }
        }
        if (result.status() == ExecutionStatus.TIMEOUT) {
            block(text, "error", "Timeout. No response after " + timeLimit.toSeconds() + " seconds.");
        } else if ((result.status() == ExecutionStatus.CRASHED || result.status() == ExecutionStatus.OOM) && result.error().isEmpty()) {
            block(text, "error", result.message());
        }
        int start = 0;
        while (start < text.length() && text.charAt(start) == '\n') start++;
        return text.substring(start);
    }

    private static void block(StringBuilder text, String kind, String content) {
        if (content.isEmpty()) return;
        text.append("\n\n").append(kind).append(":\n\n```\n").append(content).append("\n```");
    }
}
