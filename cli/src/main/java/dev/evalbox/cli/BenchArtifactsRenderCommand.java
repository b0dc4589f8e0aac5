package dev.evalbox.cli;

import dev.evalbox.cli.bench.ArtifactsRenderBenchmark;
import dev.evalbox.cli.bench.BenchReport;
import dev.evalbox.unittests.artifactsbench.ArtifactRenderer;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** `evalbox bench artifacts-render`: rendering throughput with the browser kept alive, against a browser launched per task. */
@Command(name = "artifacts-render", mixinStandardHelpOptions = true,
        description = {"Render evalbox's generated pages as `grade artifactsbench` does (3 screenshots 1 s apart, 1280x720), with the",
                "browser kept alive and a fresh context per page, next to the anchor measured in the same run on the same pages:",
                "a new browser launched for every page. Prints tasks/min both ways and their ratio (goal: at least 4x)."})
final class BenchArtifactsRenderCommand implements Callable<Integer> {
    @Option(names = "--pages", description = "How many pages. Default: ${DEFAULT-VALUE}.")
    int pages = 40;

    @Option(names = "--concurrency", description = "Pages rendered at once, both ways. Default: ${DEFAULT-VALUE} (the grading default).")
    int concurrency = 2;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() {
        ArtifactRenderer.Settings render = ArtifactRenderer.Settings.defaults();
        if (!Files.isExecutable(render.chromium())) {
            throw new UserException("Chromium is not at " + render.chromium() + " (scripts/setup.sh chromium installs it)");
        }
        BenchReport report = new ArtifactsRenderBenchmark(new ArtifactsRenderBenchmark.Settings(pages, concurrency, render),
                line -> System.err.println("bench: " + line)).run();
        System.out.print(json ? report.toJson() + "\n" : report.toTable());
        return 0;
    }
}
