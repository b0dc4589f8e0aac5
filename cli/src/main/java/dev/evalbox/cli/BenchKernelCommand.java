package dev.evalbox.cli;

import dev.evalbox.cli.bench.KernelBenchmark;
import dev.evalbox.unittests.bench.BenchException;
import dev.evalbox.unittests.bench.BenchOutput;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.ScratchDirectory;
import dev.evalbox.unittests.eval.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** `evalbox bench kernel`: the evalbox kernel against a Python ipykernel, both through jupyter_client, in the same run. */
@Command(name = "kernel", mixinStandardHelpOptions = true,
        description = {"The evalbox Jupyter kernel against ipykernel (the anchor), both started from kernelspecs and driven",
                "by jupyter_client in the same run: trivial-cell round trip p50/p95, kernel start to first reply, the first",
                "cell after start, and displaying a generated run of 20,000 tasks."})
final class BenchKernelCommand implements Callable<Integer> {
    @Option(names = "--cells", paramLabel = "N", description = "Timed cells per round and kernel. Default: ${DEFAULT-VALUE}.")
    int cells = 500;

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds, alternating the kernels, each with fresh kernels. Default: ${DEFAULT-VALUE}.")
    int rounds = 3;

    @Option(names = "--code", description = "The trivial cell, valid in Java and Python. Default: ${DEFAULT-VALUE}.")
    String code = "1 + 1";

    @Option(names = "--display-tasks", paramLabel = "N",
            description = "Tasks in the generated run the notebook displays. Default: ${DEFAULT-VALUE}.")
    int displayTasks = 20_000;

    @Option(names = "--python", description = "The Python with jupyter_client and ipykernel. Default: ${DEFAULT-VALUE}.")
    String python = "/usr/bin/python3";

    @Mixin
    BenchOutput output;

    @Override
    public Integer call() throws IOException {
        try (ScratchDirectory scratch = ScratchDirectory.create("evalbox-bench-kernel")) {
            Path jupyter = scratch.path();
            Path kernels = jupyter.resolve("kernels");
            Kernelspec.write(kernels, "evalbox-bench", "evalbox (bench)");
            // The anchor: Debian's python3-ipykernel, started exactly as its own kernelspec starts it.
            Files.createDirectories(kernels.resolve("ipykernel-bench"));
            Files.writeString(kernels.resolve("ipykernel-bench/kernel.json"), "{\"argv\": [\"" + python
                    + "\", \"-m\", \"ipykernel_launcher\", \"-f\", \"{connection_file}\"], \"display_name\": \"Python 3 (bench)\","
                    + " \"language\": \"python\"}\n");
            BenchReport report = new KernelBenchmark(new KernelBenchmark.Settings(python, jupyter, "evalbox-bench",
                    "ipykernel-bench", code, cells, rounds, displayTasks), output.progress()).run();
            return output.print(report);
        } catch (BenchException e) {
            throw new UserException("the benchmark failed: " + e.getMessage()
                    + " (it needs " + python + " with jupyter_client and ipykernel: scripts/setup.sh host-python)");
        }
    }
}
