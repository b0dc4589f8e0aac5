package dev.evalbox.unittests.humanevalv;

import dev.evalbox.agentloop.loop.AgentHooks;
import dev.evalbox.agentloop.loop.AgentLoop;
import dev.evalbox.agentloop.loop.StopReason;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.ExecutionResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Generates HumanEval-V predictions as the reference does: one user turn with the image (a PNG data
 * URL) and the code context; one sample greedy, several at temperature 0.8 and top_p 0.95; at most 2048
 * new tokens. V2T2C first has the model describe the image (as many samples as asked), then writes code
 * from each description alone, greedily. GT-T2C writes code from the dataset's own description.
 */
public final class HumanEvalVGeneration {
    /** The reference's settings. */
    public enum Setting { V2C, V2C_COT, V2T2C, GT_T2C }

    private final ChatModel model;
    private final HumanEvalVPrompts prompts;
    private final SamplingParams extra;

    public HumanEvalVGeneration(ChatModel model, HumanEvalVPrompts prompts, SamplingParams extra) {
        this.model = model;
        this.prompts = prompts;
        this.extra = extra;
    }

    /** The sampling the reference uses for {@code samples} samples per task (what a run records as sent). */
    public static SamplingParams sampling(int samples) {
        return SamplingParams.DEFAULT.withTemperature(samples == 1 ? 0.0 : 0.8).withTopP(0.95).withMaxTokens(2048);
    }

    /** A task's generation: its predictions (and prompt) and the model errors met on the way. */
    public record Generated(Predictions.Entry entry, List<String> errors) { }

    /**
     * The task's predictions, generated as one agent loop of all its model calls (recorded in {@code trajectory} as
     * any task's loop is); a failed call becomes an empty reply, its error kept, and the loop goes on.
     */
    public Generated generate(HumanEvalVItem item, Setting setting, int samples, TrajectoryWriter trajectory) {
        Samples hooks = new Samples(item, setting, samples);
        AgentLoop.generations(hooks.calls(), sampling(samples)).run(item.qid(), "humaneval-v",
                List.of(ChatMessage.user(hooks.prompt)), model, null, trajectory, hooks);
        return new Generated(new Predictions.Entry(item.qid(), List.copyOf(hooks.predictions), Optional.of(hooks.prompt)),
                List.copyOf(hooks.errors));
    }

    /** The reference's sampling with the user's own max_tokens, stop and seed: what a call sends. */
    public static SamplingParams sent(SamplingParams params, SamplingParams extra) {
        return new SamplingParams(params.temperature(), params.topP(),
                extra.maxTokens() != null ? extra.maxTokens() : params.maxTokens(), extra.stop(), null, extra.seed());
    }

    /**
     * One task's calls, in the reference's order: a call per sample (V2C, V2C-CoT, GT-T2C), or per sample a
     * description of the image, then code written greedily from that description alone (V2T2C).
     */
    private final class Samples implements AgentHooks {
        private final HumanEvalVItem item;
        private final Setting setting;
        private final int samples;
        /** The prompt a run records (the code prompt; V2T2C's is the template its descriptions fill). */
        final String prompt;
        final List<String> predictions = new ArrayList<>();
        final List<String> errors = new ArrayList<>();
        private int call;
        private String description;
        /** The task's image, read once for all its calls. */
        private byte[] png;

        Samples(HumanEvalVItem item, Setting setting, int samples) {
            this.item = item;
            this.setting = setting;
            this.samples = samples;
            this.prompt = switch (setting) {
                case V2C -> HumanEvalVPrompts.fill(prompts.visualToCode(), item.functionSignature(), null);
                case V2C_COT -> HumanEvalVPrompts.fill(prompts.visualToCodeWithReasoning(), item.functionSignature(), null);
                case V2T2C -> prompts.textToCode();
                case GT_T2C -> {
                    if (item.description() == null) {
                        throw new IllegalArgumentException("task " + item.qid() + " has no ground-truth description for GT-T2C");
                    }
                    yield HumanEvalVPrompts.fill(prompts.textToCode(), item.functionSignature(), item.description());
                }
            };
        }

        private byte[] png() {
            if (png == null) png = image(item);
            return png;
        }

        int calls() { return setting == Setting.V2T2C ? 2 * samples : samples; }

        /** V2T2C's even calls describe the image; its odd ones write code from the description. */
        private boolean describing() { return setting == Setting.V2T2C && call % 2 == 0; }

        @Override
        public List<ChatMessage> request(List<ChatMessage> conversation) {
            return List.of(switch (setting) {
                case V2C, V2C_COT -> ChatMessage.user(prompt).withPng(png());
                case V2T2C -> describing()
                        ? ChatMessage.user(HumanEvalVPrompts.fill(prompts.visualToText(), item.functionSignature(), null)).withPng(png())
                        : ChatMessage.user(HumanEvalVPrompts.fill(prompts.textToCode(), item.functionSignature(), description));
                case GT_T2C -> ChatMessage.user(prompt);
            });
        }

        @Override
        public SamplingParams sampling(SamplingParams protocol) {
            return sent(setting == Setting.V2T2C && !describing() ? HumanEvalVGeneration.sampling(1) : protocol, extra);
        }

        @Override
        public Action read(String reply) {
            accept(reply);
            return call < calls() ? new Action.Next() : new Action.Stop(errors.isEmpty() ? StopReason.ANSWERED : StopReason.MODEL_ERROR);
        }

        @Override
        public Optional<StopReason> afterModelError(String error) {
            errors.add(error);
            accept("");
            return call < calls() ? Optional.empty() : Optional.of(StopReason.MODEL_ERROR);
        }

        private void accept(String reply) {
            if (describing()) description = reply;
            else predictions.add(reply);
            call++;
        }

        @Override
        public String observe(ExecutionResult result, int turn) {
            throw new IllegalStateException("HumanEval-V's generation runs no code");
        }

        @Override
        public String finalAnswer(List<ChatMessage> conversation) { return String.join("\n\n", predictions); }
    }

    private static byte[] image(HumanEvalVItem item) {
        try {
            return Files.readAllBytes(item.image());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image of task " + item.qid() + ": " + item.image(), e);
        }
    }
}
