package dev.evalbox.unittests.humanevalv.bench;

import dev.evalbox.unittests.bench.BenchException;
import dev.evalbox.unittests.bench.BenchOutput;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.eval.UserException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox bench humaneval-v`: grading throughput in sandboxes against the reference's unsandboxed procedure. */
@Command(name = "humaneval-v", mixinStandardHelpOptions = true,
        description = {"Grade evalbox's generated HumanEval-V-format samples in sandboxes at each --concurrency level, next to the",
                "anchor measured in the same run on the same samples: the reference's procedure (pylint, then a fresh process",
                "per sample; unsandboxed, the host's python3). Reports samples/s, the ratio (goal: at least 2x) and any",
                "sample on which the two disagree."})
public final class BenchHumanEvalVCommand implements Callable<Integer> {
    @Option(names = "--samples", description = "Samples to grade (six per task). Default: ${DEFAULT-VALUE}.")
    int samples = 2000;

    @Option(names = "--concurrency", split = ",", description = "Concurrency levels for evalbox (sandboxes at once). Default: the CPU count, ${DEFAULT-VALUE}.")
    List<Integer> concurrency = List.of(Runtime.getRuntime().availableProcessors());

    @Option(names = "--python", description = "The host python3 (with pylint) that runs the anchor. Default: ${DEFAULT-VALUE}.")
    String python = "/usr/bin/python3";

    @Option(names = "--seed", description = "Seed of the generated samples. Default: ${DEFAULT-VALUE}.")
    long seed = 7;

    @Option(names = "--blocks", description = "Blocks in which the anchor and evalbox take turns, so load from elsewhere hits both. Default: ${DEFAULT-VALUE}.")
    int blocks = 4;

    @Option(names = "--image", description = "Sandbox image. Default: ${DEFAULT-VALUE}.")
    String image = SandboxSpec.DEFAULT_IMAGE;

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() {
        String problem = DockerEngine.problem();
        if (problem != null) throw new UserException(problem + "; the benchmark needs the Docker backend");
        if (samples < 1) throw new UserException("--samples must be at least 1");
        if (concurrency.stream().anyMatch(c -> c < 1)) throw new UserException("--concurrency levels must be at least 1");
        if (DockerEngine.identify(image).isEmpty()) {
            throw new UserException("the image " + image + " is not on this Docker engine: build it with `evalbox image build`");
        }
        BenchReport report;
        try {
            report = new HumanEvalVSpeed(new HumanEvalVSpeed.Settings(image, samples, concurrency, python, seed, blocks),
                    output.progress()).run();
        } catch (BenchException e) {
            throw new UserException("the benchmark failed: " + e.getMessage());
        }
        return output.print(report);
    }
}
