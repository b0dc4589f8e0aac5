package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Visualization accuracy, as the benchmark scores it: the images the trace shows (markdown
 * "![fig-N](path)" whose file exists) pass the gate when at least one of them came from an
 * observation without "error:" or "Traceback"; then all of them go to a multimodal judge with the
 * question (an Easy item's text before "&lt;|im_end|&gt;"), asking for "right" or "wrong".
 * The benchmark counts any reply containing "right" ({@link Rule#ORIGINAL}, so "not right" passes);
 * {@link Rule#STRICT} reads the reply's verdict word instead.
 */
public final class VisualizationJudge {
    static final Pattern IMAGE = Pattern.compile("!\\[fig-(.+)\\]\\((.+)\\)");
    private static final Pattern VERDICT_WORD = Pattern.compile("\\b(?:(not|isn't|is not)\\s+)?(right|wrong)\\b");

    /** How a judge's reply becomes a verdict. */
    public enum Rule { ORIGINAL, STRICT }

    /** What each judge call sends besides the prompt and images. */
    public static final SamplingParams SAMPLING = SamplingParams.DEFAULT.withMaxTokens(300);

    /**
     * The outcome for one item, with its evidence. The judge is called exactly when the gate passed;
     * {@code completion} is its answer (null when it was not called or failed, {@code note} says why).
     */
    public record Verdict(boolean gatePassed, List<String> images, String prompt, String judgeReply, boolean correct, String note,
                          ChatCompletion completion) { }

    private final ChatModel judge;
    private final Rule rule;
    private final String promptEn;
    private final String promptZh;

    /** Prompts contain "{query}" where the question goes. */
    public VisualizationJudge(ChatModel judge, Rule rule, String promptEn, String promptZh) {
        this.judge = judge;
        this.rule = rule;
        this.promptEn = promptEn;
        this.promptZh = promptZh;
    }

    /** evalbox's own wording of the judge prompt, with the benchmark's structure and placeholder. */
    public static final String DEFAULT_PROMPT_EN = "Does the image match the [Question] below? Answer \"right\" if it does and \"wrong\" if it does not.\n[Question]: {query}\n";
    public static final String DEFAULT_PROMPT_ZH = "下面的[问题]与图片相符吗？相符请回答“right”，不相符请回答“wrong”。\n[问题]：{query}\n";

    public Rule rule() { return rule; }

    /** This judge as attempt {@code epoch} of an item asks it (see ChatModel.forEpoch): each epoch's judgment is its own. */
    public VisualizationJudge forEpoch(int epoch) {
        return new VisualizationJudge(judge.forEpoch(epoch), rule, promptEn, promptZh);
    }

    /** The judge model's name. */
    public String model() { return judge.name(); }

    /** Scores an item's trace; {@code readImage} gives a shown image's bytes if the file exists. */
    public Verdict score(CodeInterpreterRecord record, String trace, Function<String, Optional<byte[]>> readImage) {
        List<String> images = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        Matcher m = IMAGE.matcher(trace);
        while (m.find()) {
            Optional<byte[]> bytes = readImage.apply(m.group(2));
            if (bytes.isPresent()) {
                images.add(m.group(2));
                contents.add(bytes.get());
            }
        }
        String prompt = ("zh".equals(record.lang()) ? promptZh : promptEn).replace("{query}", record.question());
        if (images.isEmpty()) return new Verdict(false, images, prompt, "", false, "no image in the trace", null);
        if (!gate(trace, images)) return new Verdict(false, images, prompt, "", false, "every image came from a failed observation", null);
        ChatMessage message = ChatMessage.user(prompt);
        for (byte[] image : contents) message = message.withPng(image);
        ChatCompletion completion;
        try {
            completion = judge.complete(new ChatRequest(List.of(message), SAMPLING));
        } catch (ModelException e) {
            return new Verdict(true, images, prompt, "", false, "the judge failed: " + e.getMessage(), null);
        }
        String reply = completion.text();
        return new Verdict(true, images, prompt, reply, isRight(reply, rule), "", completion);
    }

    /** The benchmark's gate: some image's observation (from the last "\nObservation:" before it) has no error. */
    static boolean gate(String trace, List<String> images) {
        for (String image : images) {
            int end = trace.indexOf(image);
            String upTo = trace.substring(0, end + image.length());
            int start = upTo.lastIndexOf(ReActParser.OBSERVATION);
            String observation = upTo.substring(start + ReActParser.OBSERVATION.length());
            if (!observation.contains("error:") && !observation.contains("Traceback")) return true;
        }
        return false;
    }

    static boolean isRight(String reply, Rule rule) {
        String lower = reply.toLowerCase(Locale.ROOT);
        if (rule == Rule.ORIGINAL) return lower.contains("right");
        Matcher m = VERDICT_WORD.matcher(lower);
        if (!m.find()) return false;
        boolean negated = m.group(1) != null;
        return m.group(2).equals("right") != negated;
    }
}
