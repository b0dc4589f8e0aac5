package dev.evalbox.cli;

import dev.evalbox.cli.bench.BenchSettings;
import dev.evalbox.cli.bench.SandboxBenchmark;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.bench.BenchException;
import dev.evalbox.unittests.bench.BenchOutput;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.eval.UserException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Sandbox speed: cell round trip against Jupyter's pipe, acquire, cold start, memory, throughput.
 * The table (or JSON) goes to stdout; progress goes to stderr, so {@code --json} output can be piped.
 */
@Command(name = "sandbox", mixinStandardHelpOptions = true,
        description = {"Sandbox speed: cell round trip (against jupyter_client -> ipykernel measured in the same run),"
                + " acquire from a warm pool, cold start, memory per idle sandbox and throughput, on the Docker backend.",
                "Exits 0 when it measured everything, whether or not the goals were met (the table says)."})
final class BenchSandboxCommand implements Callable<Integer> {
    @Mixin
    BenchOutput output;

    @Option(names = "--image", description = "Sandbox image; the anchor runs in the same image. Default: ${DEFAULT-VALUE}.")
    String image = SandboxSpec.DEFAULT_IMAGE;

    @Option(names = "--samples", paramLabel = "N", description = "Timed `1+1` round trips, for evalbox and the anchor each. Default: ${DEFAULT-VALUE}.")
    int samples = 200;

    @Option(names = "--warmup", paramLabel = "N", description = "Untimed round trips first. Default: ${DEFAULT-VALUE}.")
    int warmup = 50;

    @Option(names = "--cells", paramLabel = "N", description = "Short cells for the throughput run. Default: ${DEFAULT-VALUE}.")
    int cells = 500;

    @Option(names = "--concurrency", paramLabel = "N", description = "Sandboxes the throughput run uses at once. Default: ${DEFAULT-VALUE}.")
    int concurrency = 4;

    @Option(names = "--acquire-samples", paramLabel = "N", description = "Timed acquires from a warm pool (each refill starts a container). Default: ${DEFAULT-VALUE}.")
    int acquireSamples = 20;

    @Option(names = "--cold-samples", paramLabel = "N", description = "Cold starts to first result. Default: ${DEFAULT-VALUE}.")
    int coldSamples = 5;

    @Option(names = "--idle-sandboxes", paramLabel = "N", description = "Idle sandboxes whose memory is read. Default: ${DEFAULT-VALUE}.")
    int idleSandboxes = 5;

    @Override
    public Integer call() {
        BenchSettings settings = new BenchSettings(image, samples, warmup, acquireSamples, coldSamples, idleSandboxes, cells, concurrency);
        String problem = DockerEngine.problem();
        if (problem != null) {
            throw new UserException(problem + "; the benchmark needs the Docker backend: start an engine with scripts/ensure-docker.sh");
        }
        if (!ImageStore.exists(image)) {
            throw new UserException("the image " + image + " is not on this Docker engine: build it with `evalbox image build`"
                    + " (or pass another with --image)");
        }
        long started = System.nanoTime();
        BenchReport report;
        try {
            report = new SandboxBenchmark(settings, output.progress()).run();
        } catch (BenchException e) {
            throw new UserException("the benchmark failed: " + e.getMessage());
        }
        output.progress().accept(String.format("done in %.0f s", (System.nanoTime() - started) / 1e9));
        return output.print(report);
    }
}
