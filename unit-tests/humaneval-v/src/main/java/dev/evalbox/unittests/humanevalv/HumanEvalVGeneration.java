package dev.evalbox.unittests.humanevalv;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.SamplingParams;
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

    /** The task's predictions (and the prompt used); a model error becomes an empty prediction with the error kept. */
    public Predictions.Entry generate(HumanEvalVItem item, Setting setting, int samples, List<String> errors) {
        String prompt;
        List<String> predictions = new ArrayList<>();
        switch (setting) {
            case V2C, V2C_COT -> {
                prompt = HumanEvalVPrompts.fill(setting == Setting.V2C ? prompts.visualToCode() : prompts.visualToCodeWithReasoning(),
                        item.functionSignature(), null);
                ChatMessage message = ChatMessage.user(prompt).withPng(image(item));
                for (int i = 0; i < samples; i++) predictions.add(ask(message, sampling(samples), errors));
            }
            case V2T2C -> {
                String describe = HumanEvalVPrompts.fill(prompts.visualToText(), item.functionSignature(), null);
                prompt = prompts.textToCode();
                for (int i = 0; i < samples; i++) {
                    String description = ask(ChatMessage.user(describe).withPng(image(item)), sampling(samples), errors);
                    predictions.add(ask(ChatMessage.user(HumanEvalVPrompts.fill(prompts.textToCode(), item.functionSignature(), description)),
                            sampling(1), errors));
                }
            }
            default -> {
                if (item.description() == null) throw new IllegalArgumentException("task " + item.qid() + " has no ground-truth description for GT-T2C");
                prompt = HumanEvalVPrompts.fill(prompts.textToCode(), item.functionSignature(), item.description());
                for (int i = 0; i < samples; i++) predictions.add(ask(ChatMessage.user(prompt), sampling(samples), errors));
            }
        }
        return new Predictions.Entry(item.qid(), predictions, Optional.of(prompt));
    }

    /** The reference's sampling with the user's own max_tokens, stop and seed: what a call sends. */
    public static SamplingParams sent(SamplingParams params, SamplingParams extra) {
        return new SamplingParams(params.temperature(), params.topP(),
                extra.maxTokens() != null ? extra.maxTokens() : params.maxTokens(), extra.stop(), null, extra.seed());
    }

    private String ask(ChatMessage message, SamplingParams params, List<String> errors) {
        SamplingParams merged = sent(params, extra);
        try {
            return model.complete(new ChatRequest(List.of(message), merged)).text();
        } catch (ModelException e) {
            errors.add(e.getMessage());
            return "";
        }
    }

    private static byte[] image(HumanEvalVItem item) {
        try {
            return Files.readAllBytes(item.image());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image of task " + item.qid() + ": " + item.image(), e);
        }
    }
}
