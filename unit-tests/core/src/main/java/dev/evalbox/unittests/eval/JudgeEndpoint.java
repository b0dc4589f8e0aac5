package dev.evalbox.unittests.eval;

import dev.evalbox.agentloop.model.OpenAiChatModel;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/** Where a judge model is served: the options every benchmark with a judge mixes in. */
public final class JudgeEndpoint {
    @Option(names = "--judge", description = "The judge model (OpenAI-compatible, with image input).")
    String model;

    @Option(names = "--judge-base-url", description = "The judge's server (default: the model's --base-url for a run, else $OPENAI_BASE_URL).")
    String baseUrl;

    @Option(names = "--judge-api-key-env", description = "The environment variable holding the judge's API key. Default: ${DEFAULT-VALUE}.")
    String apiKeyEnv = "OPENAI_API_KEY";

    /** The judge model's name, or null without --judge. */
    public String model() { return model; }

    /**
     * A client of the judge's server; {@code fallbackBaseUrl} (the model's server) is used when --judge-base-url
     * is absent, and {@code tuning} sets what the benchmark's judge needs (its time limit, its retries).
     */
    public OpenAiChatModel client(String fallbackBaseUrl, UnaryOperator<OpenAiChatModel.Builder> tuning) {
        if (model == null) throw new IllegalStateException("no --judge was given");
        OpenAiChatModel.Builder builder = OpenAiChatModel.builder().model(model).apiKey(System.getenv(apiKeyEnv));
        String base = baseUrl != null ? baseUrl : fallbackBaseUrl;
        if (base != null) builder.baseUrl(base);
        return tuning.apply(builder).build();
    }
}
