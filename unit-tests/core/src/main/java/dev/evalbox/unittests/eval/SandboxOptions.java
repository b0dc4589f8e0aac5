package dev.evalbox.unittests.eval;

import dev.evalbox.sandbox.SandboxSpec;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The sandbox options shared by the commands that start one. */
public final class SandboxOptions {
    @Option(names = "--backend", description = "docker, local (not isolated) or auto (docker when available). Default: ${DEFAULT-VALUE}.")
    String backend = "auto";

    @Option(names = "--image", description = "Sandbox image (docker backend). Default: ${DEFAULT-VALUE}.")
    String image = SandboxSpec.DEFAULT_IMAGE;

    @Option(names = "--timeout", description = "Per-cell time limit in seconds. Default: ${DEFAULT-VALUE}.")
    double timeoutSeconds = 60;

    @Option(names = "--memory", description = "Memory limit (docker backend), e.g. 512m, 2g. Default: ${DEFAULT-VALUE}.")
    String memory = "1g";

    @Option(names = "--python", description = "Interpreter to start (local backend: on this machine). Default: ${DEFAULT-VALUE}.")
    String python = "python3";

    public String backend() { return backend; }

    public String image() { return image; }

    public double timeoutSeconds() { return timeoutSeconds; }

    public String memory() { return memory; }

    public String python() { return python; }

    public Duration timeout() { return Duration.ofMillis(Math.round(timeoutSeconds * 1000)); }

    public SandboxSpec spec() {
        return SandboxSpec.python().image(image).memory(memory).timeout(timeout()).pythonExecutable(python).build();
    }
}
