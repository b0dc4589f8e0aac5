package dev.evalbox.unittests.eval;

import dev.evalbox.sandbox.SandboxSpec;
import java.time.Duration;
import picocli.CommandLine.Option;

/** The sandbox options shared by the commands that start one. */
public final class SandboxOptions {
    @Option(names = "--backend", description = "docker, kubernetes (a cluster: docs/kubernetes.md), local (not isolated) or auto (docker when available,"
            + " never a cluster). Default: ${DEFAULT-VALUE}.")
    String backend = "auto";

    @Option(names = "--image", description = "Sandbox image: on the Docker engine (docker), or REGISTRY/evalbox/python:TAG that the cluster can pull"
            + " (kubernetes; `evalbox image push` puts it there). Default: ${DEFAULT-VALUE}.")
    String image = SandboxSpec.DEFAULT_IMAGE;

    @Option(names = "--timeout", description = "Per-cell time limit in seconds. Default: ${DEFAULT-VALUE}.")
    double timeoutSeconds = 60;

    @Option(names = "--memory", description = "Memory limit (docker and kubernetes backends), e.g. 512m, 2g. Default: ${DEFAULT-VALUE}.")
    String memory = "1g";

    @Option(names = "--python", description = "Interpreter to start (local backend: on this machine). Default: ${DEFAULT-VALUE}.")
    String python = "python3";

    // The kubernetes backend's options, passed as its backend options (the keys of its KubernetesOptions).
    @Option(names = "--namespace", description = "kubernetes backend: the namespace of the sandbox pods. Default: the kubeconfig context's.")
    String namespace;

    @Option(names = "--runtime-class", paramLabel = "NAME",
            description = "kubernetes backend: a RuntimeClass for the sandbox pods, e.g. gvisor. Default: the cluster's.")
    String runtimeClass;

    public String backend() { return backend; }

    public String namespace() { return namespace; }

    public String runtimeClass() { return runtimeClass; }

    public String image() { return image; }

    public double timeoutSeconds() { return timeoutSeconds; }

    public String memory() { return memory; }

    public String python() { return python; }

    public Duration timeout() { return Duration.ofMillis(Math.round(timeoutSeconds * 1000)); }

    public SandboxSpec spec() {
        SandboxSpec.Builder spec = SandboxSpec.python().image(image).memory(memory).timeout(timeout()).pythonExecutable(python);
        return kubernetes(spec, namespace, runtimeClass).build();
    }

    /**
     * The kubernetes backend's options (--namespace, --runtime-class) as the backend options it reads; the one
     * place the mapping lives, for the commands and the kernel's %sandbox open alike. Null or blank sets nothing.
     */
    public static SandboxSpec.Builder kubernetes(SandboxSpec.Builder spec, String namespace, String runtimeClass) {
        if (namespace != null && !namespace.isBlank()) spec.backendOption("kubernetes.namespace", namespace);
        if (runtimeClass != null && !runtimeClass.isBlank()) spec.backendOption("kubernetes.runtime-class", runtimeClass);
        return spec;
    }
}
