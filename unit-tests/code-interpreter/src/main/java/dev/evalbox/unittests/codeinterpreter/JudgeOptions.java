package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.JudgeEndpoint;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.UserException;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** The multimodal judge of visualization items: which model, where, and how its reply becomes a verdict. */
public final class JudgeOptions {
    /** Without --judge, visualization items are not judged. */
    @Mixin JudgeEndpoint endpoint;

    @Option(names = "--judge-rule", description = "original (any reply containing \"right\" passes, as the benchmark counts) or strict (the verdict word). Default: ${DEFAULT-VALUE}.")
    String rule = "original";

    /** The judge model's name, or null without --judge. */
    public String model() { return endpoint.model(); }

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
    public VisualizationJudge judge(String fallbackBaseUrl) { return judge(fallbackBaseUrl, null); }

    /** The judge as a run calls it: behind the model-call cache when the run has one ({@code context} may be null). */
    public VisualizationJudge judge(String fallbackBaseUrl, EvalContext context) {
        if (endpoint.model() == null) return null;
        VisualizationJudge.Rule parsed = parsedRule();
        OpenAiChatModel server = server(fallbackBaseUrl);
        return new VisualizationJudge(context == null ? server : context.cached(server), parsed, VisualizationJudge.DEFAULT_PROMPT_EN, VisualizationJudge.DEFAULT_PROMPT_ZH);
    }

    /** Records the judge in run.json (nothing without --judge): its name, server and the sampling the judge calls send. */
    public void record(RunRecord record, String fallbackBaseUrl) {
        if (endpoint.model() == null) return;
        record.judge(endpoint.model(), server(fallbackBaseUrl).baseUrl(), VisualizationJudge.SAMPLING);
    }

    private OpenAiChatModel server(String fallbackBaseUrl) {
        return endpoint.client(fallbackBaseUrl, builder -> builder.timeout(Duration.ofMinutes(5)));
    }
}
