package dev.evalbox.cli;

import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.unittests.eval.MachineCheck;
import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.unittests.host.HostCommandException;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxProviders;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Checks what evalbox needs on this machine and says how to fix what is missing. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check Java, the Docker engine, the sandbox image, Python in the image, Chromium (and its isolation) and Jupyter.")
final class DoctorCommand implements Callable<Integer> {
    @Option(names = "--image", description = "Sandbox image to check (default: ${DEFAULT-VALUE}).")
    String image = SandboxSpec.DEFAULT_IMAGE;

    @Option(names = "--backend", description = "docker (this machine's set-up), kubernetes (the cluster's: credentials,"
            + " permissions, network policy, a probe pod), or any other backend (its own checks). Default: ${DEFAULT-VALUE}.")
    String backend = "docker";

    @Option(names = "--namespace", description = "kubernetes: the namespace to check. Default: the kubeconfig context's.")
    String namespace;

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(20);

    private int missing;

    @Override
    public Integer call() {
        if (!"docker".equals(backend)) return backendChecks();
        int javaMajor = Runtime.version().feature();
        report("Java", javaMajor >= 17, "Java " + System.getProperty("java.version"), "install Java 17+: apt-get install openjdk-17-jdk-headless");

        String engineProblem = DockerEngine.problem();
        report("Docker engine", engineProblem == null, "answers", engineProblem + "; run scripts/ensure-docker.sh (installs docker.io and starts dockerd)");

        boolean imagePresent = engineProblem == null && ImageStore.exists(image);
        String imageDetail = image;
        String currentTag = null;
        try {
            currentTag = ImageDefinition.locate().tag();
        } catch (UserException e) {
            // outside the distribution and the source tree: cannot say whether the image is current
        }
        if (imagePresent && currentTag != null && image.equals(SandboxSpec.DEFAULT_IMAGE)) {
            imageDetail += ImageStore.exists(currentTag) ? " (current: " + currentTag + ")" : " (STALE: the definition is now " + currentTag + "; run `evalbox image build`)";
        }
        report("Sandbox image", imagePresent, imageDetail, "run `evalbox image build` (builds offline when no registry answers)");

        if (imagePresent) {
            try (DockerSandboxProvider provider = new DockerSandboxProvider();
                 Sandbox sandbox = provider.open(SandboxSpec.python().image(image).build())) {
                ExecutionResult result = sandbox.execute("import numpy, pandas, matplotlib; print(numpy.__version__, pandas.__version__)",
                        Duration.ofSeconds(60));
                report("Python in the image", result.ok(), "Python " + sandbox.info().pythonVersion() + " (" + sandbox.info().runner()
                        + "), numpy/pandas " + result.stdout().strip(), "rebuild the image: `evalbox image build --force`");
            } catch (RuntimeException e) {
                report("Python in the image", false, "", e.getMessage());
            }
        } else {
            report("Python in the image", false, "", "needs the sandbox image first");
        }

        for (Benchmark benchmark : Benchmarks.all()) {
            for (MachineCheck check : benchmark.doctor()) report(check.what(), check.ok(), check.detail(), check.fix());
        }

        String jupyter = run("/usr/bin/python3", "-c", "import jupyter_client; print('jupyter_client ' + jupyter_client.__version__)");
        report("Jupyter client", jupyter != null, jupyter,
                "apt-get install python3-jupyter-client (scripts/setup.sh host-python), for the evalbox kernel in notebooks");
        if (jupyter != null) {
            String kernels = run("/usr/bin/python3", "-m", "jupyter_client.kernelspecapp", "list");
            boolean installed = kernels != null && kernels.lines().anyMatch(l -> l.strip().startsWith("evalbox "));
            // Informational only: the kernel is optional, so not having installed it is no failure.
            System.out.printf("%-8s %-20s %s%n", installed ? "ok" : "note", "evalbox kernel",
                    installed ? "installed" : "not installed for Jupyter: `evalbox kernel install`");
        }

        System.out.println(missing == 0 ? "\nall checks passed" : "\n" + missing + " check(s) failed; the fixes are listed above");
        return missing == 0 ? 0 : 1;
    }

    /** Another backend's own checks (for kubernetes: the cluster's), through the sandbox SPI: the CLI names no backend. */
    private int backendChecks() {
        SandboxSpec spec = SandboxOptions.kubernetes(SandboxSpec.python().image(image), namespace, null).build();
        SandboxProvider provider = SandboxProviders.all().stream().filter(p -> p.name().equals(backend)).findFirst()
                .orElseThrow(() -> new UserException("unknown backend \"" + backend + "\": use "
                        + String.join(", ", SandboxProviders.names().stream().filter(n -> !n.equals(SandboxProviders.AUTO)).toList())));
        try (provider) {
            provider.doctor(spec, check -> {
                if (check.note()) {
                    System.out.printf("%-8s %-20s %s%n", "note", check.what(), check.detail());
                } else {
                    report(check.what(), check.ok(), check.detail(), check.fix());
                }
            });
        }
        System.out.println(missing == 0 ? "\nall checks passed" : "\n" + missing + " check(s) failed; the fixes are listed above");
        return missing == 0 ? 0 : 1;
    }

    private void report(String what, boolean ok, String detail, String fix) {
        if (ok) {
            System.out.printf("ok       %-20s %s%n", what, detail == null ? "" : detail);
        } else {
            missing++;
            System.out.printf("missing  %-20s fix: %s%n", what, fix);
        }
    }

    /** What the probe printed on stdout, or null when it cannot start, fails or hangs (the check then says how to fix it). */
    private static String run(String... command) {
        try {
            HostCommand.Result result = HostCommand.of(command).timeout(PROBE_TIMEOUT).run();
            return result.ok() ? result.out().strip() : null;
        } catch (HostCommandException e) {
            return null;
        }
    }
}
