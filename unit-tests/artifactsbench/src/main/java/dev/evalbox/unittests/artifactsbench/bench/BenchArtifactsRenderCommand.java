package dev.evalbox.unittests.artifactsbench.bench;

import dev.evalbox.unittests.bench.BenchOutput;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.artifactsbench.ArtifactRenderer;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox bench artifacts-render`: rendering throughput with kept-alive browsers and pages in flight, against a browser launched per task. */
@Command(name = "artifacts-render", mixinStandardHelpOptions = true,
        description = {"Render evalbox's generated pages as `grade artifactsbench` does (3 screenshots 1 s apart, 1280x720), with each",
                "worker's browser kept alive and several pages in flight in it (a fresh context each), next to the anchor measured in",
                "the same run on the same pages: a new browser launched for every page, one page at a time per worker. Both are measured",
                "at each worker count; prints tasks/min, the ratio per worker count and best against best (goal: at least 4x), and the",
                "CPU seconds a page costs each way: Chromium's processes, and all (with Playwright and evalbox; goal: 3x less)."})
public final class BenchArtifactsRenderCommand implements Callable<Integer> {
    @Option(names = "--pages", description = "How many pages. Default: ${DEFAULT-VALUE}.")
    int pages = 40;

    @Option(names = "--concurrency", split = ",", description = "Worker counts to measure, both ways. Default: 1,2,4.")
    List<Integer> concurrency = List.of(1, 2, 4);

    @Option(names = "--pages-in-flight", description = "Pages each kept-alive browser renders at once. Default: ${DEFAULT-VALUE} (the grading default).")
    int pagesInFlight = ArtifactRenderer.Settings.DEFAULT_PAGES_IN_FLIGHT;

    @Option(names = "--browser", description = "The browser evalbox renders in. Default: chromium-headless-shell when installed, else /usr/bin/chromium.")
    Path browser;

    @Option(names = "--anchor-browser", description = {"The browser the anchor launches for each page. Default: the one evalbox renders in",
            "(chromium-headless-shell when installed); /usr/bin/chromium measures against the anchor as it was with full Chromium."})
    Path anchorBrowser;

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() {
        ArtifactRenderer.Settings render = ArtifactRenderer.Settings.defaults();
        if (browser != null) {
            render = new ArtifactRenderer.Settings(browser, render.width(), render.height(), render.screenshots(), render.interval(), render.timeout(),
                    render.pagesInFlight());
        }
        if (!Files.isExecutable(render.chromium())) {
            throw new UserException("Chromium is not at " + render.chromium() + " (scripts/setup.sh chromium installs it)");
        }
        if (anchorBrowser != null && !Files.isExecutable(anchorBrowser)) throw new UserException("no browser at " + anchorBrowser);
        ArtifactsRenderSpeed.Settings settings;
        try {
            settings = new ArtifactsRenderSpeed.Settings(pages, concurrency, pagesInFlight, render, anchorBrowser);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        BenchReport report = new ArtifactsRenderSpeed(settings, output.progress()).run();
        return output.print(report);
    }
}
