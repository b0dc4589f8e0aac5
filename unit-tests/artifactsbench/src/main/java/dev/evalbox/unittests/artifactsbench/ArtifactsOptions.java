package dev.evalbox.unittests.artifactsbench;

import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.unittests.eval.EvalContext;
import dev.evalbox.unittests.eval.JudgeEndpoint;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** How ArtifactsBench answers are rendered and judged: the options `grade artifactsbench` and `run artifactsbench` share. */
public final class ArtifactsOptions {
    /** The {@code --judge} that names evalbox's in-process {@link MeasuringJudge} rather than a served model. */
    public static final String MEASURING_JUDGE = "measuring-judge";

    /** The judge's server; --judge measuring-judge instead names evalbox's in-process judge (see the benchmark's description). */
    @Mixin JudgeEndpoint endpoint;

    @Option(names = "--render-only", description = "Render and keep the screenshots, without judging.")
    boolean renderOnly;

    @Option(names = "--prompt", description = "A judge prompt template with {question}, {checklist}, {answer} (e.g. the official one).")
    Path promptFile;

    @Option(names = "--viewport", description = "Viewport WIDTHxHEIGHT. Default: ${DEFAULT-VALUE} (the released code; the paper says 1024x768).")
    String viewport = "1280x720";

    @Option(names = "--pages-in-flight", description = "Pages each browser renders at once (their waits between screenshots overlap);"
            + " a browser is started for every this many tasks rendering at once (--concurrency). Default: ${DEFAULT-VALUE}.")
    int pagesInFlight = ArtifactRenderer.Settings.DEFAULT_PAGES_IN_FLIGHT;

    public String judge() { return endpoint.model(); }

    public boolean renderOnly() { return renderOnly; }

    public Path promptFile() { return promptFile; }

    public String viewport() { return viewport; }

    public int pagesInFlight() { return pagesInFlight; }

    /** Refuses what cannot work, before anything runs. */
    public void check() {
        if (pagesInFlight < 1) throw new UserException("--pages-in-flight must be at least 1, got " + pagesInFlight);
        if (endpoint.model() == null && !renderOnly) throw new UserException("give --judge MODEL, or --render-only");
    }

    /** The released code's rendering (3 screenshots 1 s apart) at the chosen viewport, with a minute per page, --pages-in-flight at once. */
    public ArtifactRenderer.Settings renderSettings() {
        try {
            return ArtifactRenderer.Settings.defaults().withViewport(viewport).withPagesInFlight(pagesInFlight);
        } catch (IllegalArgumentException e) {
            throw new UserException("--viewport " + viewport + ": must look like 1280x720");
        }
    }

    /** The judge, or null with --render-only; {@code fallbackBaseUrl} is used when --judge-base-url is absent (null: the client's default). */
    public ArtifactsJudge judge(String fallbackBaseUrl) { return judge(fallbackBaseUrl, null); }

    /** The judge as a run calls it: behind the model-call cache when the run has one ({@code context} may be null). */
    public ArtifactsJudge judge(String fallbackBaseUrl, EvalContext context) {
        if (renderOnly) return null;
        return new ArtifactsJudge(judgeModel(fallbackBaseUrl, context), prompt(), 200_000);
    }

    private ChatModel judgeModel(String fallbackBaseUrl, EvalContext context) {
        if (MEASURING_JUDGE.equals(endpoint.model())) return new MeasuringJudge();
        var server = endpoint.client(fallbackBaseUrl, builder -> builder.maxAttempts(3));
        return context == null ? server : context.cached(server);
    }

    private String prompt() {
        if (promptFile == null) return ArtifactsJudge.DEFAULT_PROMPT;
        try {
            return Files.readString(promptFile);
        } catch (IOException e) {
            throw new UserException("--prompt: cannot read " + promptFile + " (" + e.getMessage() + ")");
        }
    }
}
