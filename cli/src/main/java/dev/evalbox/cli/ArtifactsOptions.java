package dev.evalbox.cli;

import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.unittests.artifactsbench.ArtifactRenderer;
import dev.evalbox.unittests.artifactsbench.ArtifactsJudge;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** How ArtifactsBench answers are rendered and judged: the options `grade artifactsbench` and `run artifactsbench` share. */
final class ArtifactsOptions {
    @Option(names = "--judge", description = "The judge model (OpenAI-compatible, with image input).")
    String judge;

    @Option(names = "--judge-base-url", description = "The judge's server (default: the model's --base-url for run, else $OPENAI_BASE_URL).")
    String judgeBaseUrl;

    @Option(names = "--judge-api-key-env", description = "The environment variable holding the judge's API key. Default: ${DEFAULT-VALUE}.")
    String judgeApiKeyEnv = "OPENAI_API_KEY";

    @Option(names = "--render-only", description = "Render and keep the screenshots, without judging.")
    boolean renderOnly;

    @Option(names = "--prompt", description = "A judge prompt template with {question}, {checklist}, {answer} (e.g. the official one).")
    Path promptFile;

    @Option(names = "--viewport", description = "Viewport WIDTHxHEIGHT. Default: ${DEFAULT-VALUE} (the released code; the paper says 1024x768).")
    String viewport = "1280x720";

    @Option(names = "--pages-in-flight", description = "Pages each worker's browser renders at once (their waits between screenshots overlap)."
            + " Default: ${DEFAULT-VALUE}.")
    int pagesInFlight = ArtifactRenderer.Settings.DEFAULT_PAGES_IN_FLIGHT;

    void check() {
        if (pagesInFlight < 1) throw new UserException("--pages-in-flight must be at least 1, got " + pagesInFlight);
        if (judge == null && !renderOnly) throw new UserException("give --judge MODEL, or --render-only");
    }

    /** The released code's rendering (3 screenshots 1 s apart) at the chosen viewport, with a minute per page, --pages-in-flight at once. */
    ArtifactRenderer.Settings renderSettings() {
        try {
            return ArtifactRenderer.Settings.defaults().withViewport(viewport).withPagesInFlight(pagesInFlight);
        } catch (IllegalArgumentException e) {
            throw new UserException("--viewport " + viewport + ": must look like 1280x720");
        }
    }

    /** The judge, or null with --render-only; {@code fallbackBaseUrl} is used when --judge-base-url is absent (null: the client's default). */
    ArtifactsJudge judge(String fallbackBaseUrl) {
        if (renderOnly) return null;
        OpenAiChatModel.Builder builder = OpenAiChatModel.builder().model(judge).apiKey(System.getenv(judgeApiKeyEnv)).maxAttempts(3);
        String base = judgeBaseUrl != null ? judgeBaseUrl : fallbackBaseUrl;
        if (base != null) builder.baseUrl(base);
        try {
            return new ArtifactsJudge(builder.build(), promptFile == null ? ArtifactsJudge.DEFAULT_PROMPT : Files.readString(promptFile), 200_000);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the judge prompt " + promptFile, e);
        }
    }
}
