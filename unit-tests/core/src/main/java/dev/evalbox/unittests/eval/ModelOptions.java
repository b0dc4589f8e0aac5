package dev.evalbox.unittests.eval;

import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** How to reach and sample a model: the options shared by the commands that call one. */
public final class ModelOptions {
    @Option(names = "--model", required = true,
            description = {"The model: a name served at --base-url (OpenAI-compatible chat completions),",
                    "replay:FILE to answer with the assistant turns recorded in a trajectory file (PyBench's format or evalbox's),",
                    "or reference for a dataset's ground-truth solutions where it has them."})
    String model;

    @Option(names = "--base-url", description = "The server's base URL (default: $OPENAI_BASE_URL, else https://api.openai.com/v1).")
    String baseUrl;

    @Option(names = "--api-key-env", description = "The environment variable holding the API key (default: ${DEFAULT-VALUE}). The key is never logged or recorded.")
    String apiKeyEnv = "OPENAI_API_KEY";

    @Option(names = "--temperature") Double temperature;
    @Option(names = "--top-p") Double topP;
    @Option(names = "--max-tokens") Integer maxTokens;
    @Option(names = "--seed") Long seed;
    @Option(names = "--stop", description = "A stop sequence (repeatable).") List<String> stop = new ArrayList<>();

    @Option(names = "--model-timeout", description = "Seconds one model call may take before it is retried. Default: ${DEFAULT-VALUE}.")
    double modelTimeoutSeconds = 300;

    @Option(names = "--model-concurrency", description = "Model calls in flight at once. Default: ${DEFAULT-VALUE}.")
    int modelConcurrency = 8;

    @Option(names = "--max-attempts", description = "Attempts per model call (retries on 429, 5xx, timeouts). Default: ${DEFAULT-VALUE}.")
    int maxAttempts = 6;

    public String model() { return model; }

    /** The server's base URL as given (null: the client's default). */
    public String baseUrl() { return baseUrl; }

    /** Records the model in run.json: its name, the server (none for replay and reference) and the sampling actually sent. */
    public void record(RunRecord record, SamplingParams sent) {
        boolean served = !isReplay() && !"reference".equals(model);
        String base = served ? server().baseUrl() : null;
        record.model(model, base, sent);
    }

    public boolean isReplay() { return model.startsWith("replay:"); }

    public String replayFile() { return model.substring("replay:".length()); }

    public SamplingParams sampling() {
        return new SamplingParams(temperature, topP, maxTokens, stop, null, seed);
    }

    public OpenAiChatModel server() { return server(false); }

    /** The model's client; {@code completions} for completion-style models (one prompt, the completions endpoint). */
    public OpenAiChatModel server(boolean completions) {
        OpenAiChatModel.Builder builder = OpenAiChatModel.builder().model(model).completions(completions)
                .timeout(Duration.ofMillis(Math.round(modelTimeoutSeconds * 1000)))
                .maxConcurrency(modelConcurrency).maxAttempts(maxAttempts)
                .apiKey(System.getenv(apiKeyEnv));
        if (baseUrl != null) builder.baseUrl(baseUrl);
        return builder.build();
    }
}
