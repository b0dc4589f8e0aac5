package dev.evalbox.unittests.artifactsbench;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.model.Usage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The multimodal judge of an ArtifactsBench task: one chat call with the prompt (persona, strict
 * scoring, the checklist, the question and the full answer, asking for {"Overall Score": "NN"}) and
 * the screenshots as image parts, retried up to 4 attempts until a score parses from the reply's text
 * after its last "&lt;/think&gt;". The prompt is cut to a character budget; an answer that never yields a
 * score is reported as such.
 */
public final class ArtifactsJudge {
    public static final int ATTEMPTS = 4;

    /** evalbox's own wording; placeholders {question}, {checklist}, {answer}. */
    public static final String DEFAULT_PROMPT = String.join("\n",
            "You are a demanding reviewer of interactive web artifacts: games, visualizations, tools and SVG images.",
            "Judge the answer below strictly. Use the screenshots (taken about one second apart) to see what the page",
            "really shows and whether it changes; use the code to check what the screenshots cannot show.",
            "",
            "Score each checklist item from 0 to its maxScore, explain briefly, then give the total.",
            "",
            "[Task]",
            "{question}",
            "",
            "[Checklist]",
            "{checklist}",
            "",
            "[Answer]",
            "{answer}",
            "",
            "End your reply with exactly this JSON, the total as a number between 0 and 100:",
            "{\"Overall Score\": \"NN\"}");

    /**
     * The outcome of the last attempt, as the reference keeps it: {@code reason} is the judge's reply cut
     * after its last "&lt;/think&gt;" (the reference's {@code gemini_reason}; the score is read from it alone,
     * so a reasoning judge's draft score never counts), {@code reply} the whole reply, both empty when that
     * attempt's call failed; {@code error} says why there is no score.
     */
    public record Verdict(Optional<JudgeScore> score, String reason, String reply, int attempts, String error) { }

    /**
     * Hears every call to the judge as it ends (the trajectory records them): the images shown, the reply, its usage and
     * the client's attempts at the call; {@code reply} empty and {@code error} set when it failed, {@code error} null otherwise.
     */
    public interface CallListener {
        void called(String prompt, List<Path> images, String reply, Usage usage, int clientAttempts, String error, Duration latency);

        /** Hears a call and whether its reply came from the model-call cache; by default as {@link #called} without it. */
        default void called(String prompt, List<Path> images, String reply, Usage usage, int clientAttempts, String error, Duration latency,
                            boolean cached) {
            called(prompt, images, reply, usage, clientAttempts, error, latency);
        }

        CallListener NONE = (prompt, images, reply, usage, clientAttempts, error, latency) -> { };
    }

    private final ChatModel judge;
    private final String template;
    private final int promptBudget;

    public ArtifactsJudge(ChatModel judge, String template, int promptBudgetChars) {
        this.judge = judge;
        this.template = template;
        this.promptBudget = promptBudgetChars;
    }

    /** The judge's model (its name goes into run.json and the trajectory). */
    public ChatModel model() { return judge; }

    public Verdict judge(ArtifactsTask task, String answer, List<Path> screenshots) {
        return judge(task, answer, screenshots, CallListener.NONE);
    }

    public Verdict judge(ArtifactsTask task, String answer, List<Path> screenshots, CallListener calls) {
        return judge(task, answer, screenshots, 1, calls);
    }

    /**
     * Judges the answer of attempt {@code epoch} (from 1). The judge is asked as that attempt (see ChatModel.forEpoch):
     * with the model-call cache, each epoch's judgment is its own, and a retry after a reply without a score is a new sample.
     */
    public Verdict judge(ArtifactsTask task, String answer, List<Path> screenshots, int epoch, CallListener calls) {
        ChatModel judge = this.judge.forEpoch(epoch);
        String prompt = template.replace("{question}", task.question()).replace("{checklist}", checklist(task))
                .replace("{answer}", answer);
        if (prompt.length() > promptBudget) prompt = prompt.substring(0, promptBudget);
        ChatMessage message = ChatMessage.user(prompt);
        for (Path shot : screenshots) message = message.withPng(read(shot));
        String reply = "";
        String reason = "";
        String error = "";
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            long start = System.nanoTime();
            Usage usage = Usage.NONE;
            int clientAttempts;
            boolean cached = false;
            try {
                ChatCompletion completion = judge.complete(new ChatRequest(List.of(message), SamplingParams.DEFAULT));
                reply = completion.text();
                usage = completion.usage();
                clientAttempts = completion.attempts();
                cached = completion.cached();
                error = "";
            } catch (ModelException e) {
                // the reference's request gives "" once its own retries are spent, and that attempt is scored as ""
                reply = "";
                error = e.getMessage();
                clientAttempts = e.attempts();
            }
            calls.called(prompt, screenshots, reply, usage, clientAttempts, error.isEmpty() ? null : error,
                    Duration.ofNanos(System.nanoTime() - start), cached);
            reason = ThinkCut.after(reply);
            Optional<JudgeScore> score = JudgeScore.parse(reason);
            if (score.isPresent()) return new Verdict(score, reason, reply, attempt, "");
        }
        return new Verdict(Optional.empty(), reason, reply, ATTEMPTS, error.isEmpty() ? "no score in the judge's replies" : error);
    }

    /** The checklist as a Python-style list of dicts, the rendering the official template shows. */
    static String checklist(ArtifactsTask task) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < task.checklist().size(); i++) {
            ArtifactsTask.ChecklistItem item = task.checklist().get(i);
            if (i > 0) text.append(", ");
            text.append("{'id': ").append(item.id()).append(", 'title': ").append(pythonString(item.title()))
                    .append(", 'description': ").append(pythonString(item.description())).append(", 'maxScore': ").append(item.maxScore()).append('}');
        }
        return text.append(']').toString();
    }

    /** Python's repr of a str: single quotes unless the text has one and no double quote. */
    static String pythonString(String s) {
        boolean useDouble = s.contains("'") && !s.contains("\"");
        char quote = useDouble ? '"' : '\'';
        StringBuilder out = new StringBuilder().append(quote);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c == quote) out.append('\\');
                    out.append(c);
                }
            }
        }
        return out.append(quote).toString();
    }

    private static byte[] read(Path png) {
        try {
            return Files.readAllBytes(png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the screenshot " + png, e);
        }
    }
}
