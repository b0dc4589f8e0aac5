package dev.evalbox.cli;

import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.unittests.codeinterpreter.VisualizationJudge;
import dev.evalbox.unittests.eval.UserException;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The multimodal judge of visualization items: which model, where, and how its reply becomes a verdict. */
final class JudgeOptions {
    @Option(names = "--judge", description = "The judge model (OpenAI-compatible, with image input); without it visualization items are not judged.")
    String judge;

    @Option(names = "--judge-base-url", description = "The judge's server (default: the model's --base-url).")
    String judgeBaseUrl;

    @Option(names = "--judge-api-key-env", description = "The environment variable holding the judge's API key. Default: ${DEFAULT-VALUE}.")
    String judgeApiKeyEnv = "OPENAI_API_KEY";

    @Option(names = "--judge-rule", description = "original (any reply containing \"right\" passes, as the benchmark counts) or strict (the verdict word). Default: ${DEFAULT-VALUE}.")
    String rule = "original";

    /** The judge, or null without --judge; {@code fallbackBaseUrl} (the model's server) is used when --judge-base-url is absent. */
    VisualizationJudge judge(String fallbackBaseUrl) {
        if (judge == null) return null;
        VisualizationJudge.Rule parsed = switch (rule) {
            case "original" -> VisualizationJudge.Rule.ORIGINAL;
            case "strict" -> VisualizationJudge.Rule.STRICT;
            default -> throw new UserException("unknown --judge-rule \"" + rule + "\": use original or strict");
        };
        OpenAiChatModel.Builder builder = OpenAiChatModel.builder().model(judge).apiKey(System.getenv(judgeApiKeyEnv))
                .timeout(Duration.ofMinutes(5));
        String base = judgeBaseUrl != null ? judgeBaseUrl : fallbackBaseUrl;
        if (base != null) builder.baseUrl(base);
        return new VisualizationJudge(builder.build(), parsed, VisualizationJudge.DEFAULT_PROMPT_EN, VisualizationJudge.DEFAULT_PROMPT_ZH);
    }
}
