package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.UserException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The multimodal judge of visualization items: which model, where, and how its reply becomes a verdict. */
public final class JudgeOptions {
    @Option(names = "--judge", description = "The judge model (OpenAI-compatible, with image input); without it visualization items are not judged.")
    String judge;

    @Option(names = "--judge-base-url", description = "The judge's server (default: the model's --base-url).")
    String judgeBaseUrl;

    @Option(names = "--judge-api-key-env", description = "The environment variable holding the judge's API key. Default: ${DEFAULT-VALUE}.")
    String judgeApiKeyEnv = "OPENAI_API_KEY";

    @Option(names = "--judge-rule", description = "original (any reply containing \"right\" passes, as the benchmark counts) or strict (the verdict word). Default: ${DEFAULT-VALUE}.")
    String rule = "original";

    /** The judge model's name, or null without --judge. */
    public String model() { return judge; }

    /** The rule as given ("original" or "strict"). */
    public String rule() { return rule; }

    /** The rule, checked: an unknown one is an error naming the choices, with or without a judge. */
    public VisualizationJudge.Rule parsedRule() {
        return switch (rule) {
            case "original" -> VisualizationJudge.Rule.ORIGINAL;
            case "strict" -> VisualizationJudge.Rule.STRICT;
            default -> throw new UserException("unknown --judge-rule \"" + rule + "\": use original or strict");
        };
    }

    /** The judge, or null without --judge; {@code fallbackBaseUrl} (the model's server) is used when --judge-base-url is absent. */
    public VisualizationJudge judge(String fallbackBaseUrl) {
        if (judge == null) return null;
        VisualizationJudge.Rule parsed = parsedRule();
        return new VisualizationJudge(server(fallbackBaseUrl), parsed, VisualizationJudge.DEFAULT_PROMPT_EN, VisualizationJudge.DEFAULT_PROMPT_ZH);
    }

    /** Records the judge in run.json (nothing without --judge): its name, server and the sampling the judge calls send. */
    public void record(RunRecord record, String fallbackBaseUrl) {
        if (judge == null) return;
        String base = server(fallbackBaseUrl).endpoint().toString().replaceFirst("/(chat/)?completions$", "");
        record.judge(judge, base, VisualizationJudge.SAMPLING);
    }

    private OpenAiChatModel server(String fallbackBaseUrl) {
        OpenAiChatModel.Builder builder = OpenAiChatModel.builder().model(judge).apiKey(System.getenv(judgeApiKeyEnv))
                .timeout(Duration.ofMinutes(5));
        String base = judgeBaseUrl != null ? judgeBaseUrl : fallbackBaseUrl;
        if (base != null) builder.baseUrl(base);
        return builder.build();
    }
}
