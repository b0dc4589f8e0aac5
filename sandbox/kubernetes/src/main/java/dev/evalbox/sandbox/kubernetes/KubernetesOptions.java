package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.SandboxSpec;
import java.time.Duration;

/**
 * The Kubernetes backend's own settings, read from {@link SandboxSpec#backendOptions()} ("kubernetes.*" keys)
 * with evalbox's hardened defaults for what a spec does not set.
 *
 * @param namespace      where the pods go; empty: the current context's namespace (or "default")
 * @param runtimeClass   a RuntimeClass to run the pods with (for example gVisor's "gvisor"); empty: the cluster's default
 * @param tmpBytes       the size of the memory-backed /tmp
 * @param deadline       the pod's activeDeadlineSeconds: a last resort against a harness that vanished without a trace
 * @param createsPerSecond how many pods a provider creates per second at most (the API server and scheduler are the bottleneck)
 * @param uid            the user (and group) the driver runs as; the image's unprivileged user is 1000
 */
public record KubernetesOptions(String namespace, String runtimeClass, long tmpBytes, Duration deadline,
                                double createsPerSecond, long uid) {
    public static final String NAMESPACE = "kubernetes.namespace";
    public static final String RUNTIME_CLASS = "kubernetes.runtime-class";
    public static final String TMP_SIZE = "kubernetes.tmp-size";
    public static final String DEADLINE = "kubernetes.deadline-seconds";
    public static final String CREATE_RATE = "kubernetes.creates-per-second";
    public static final String UID = "kubernetes.uid";

    public KubernetesOptions {
        if (uid <= 0) throw new IllegalArgumentException("the Kubernetes backend runs sandboxes as a non-root user; " + UID + " must be > 0");
        if (createsPerSecond <= 0) throw new IllegalArgumentException(CREATE_RATE + " must be positive, got " + createsPerSecond);
        if (deadline.isNegative() || deadline.isZero()) throw new IllegalArgumentException(DEADLINE + " must be positive");
    }

    public static KubernetesOptions of(SandboxSpec spec) {
        return new KubernetesOptions(
                spec.backendOption(NAMESPACE, ""),
                spec.backendOption(RUNTIME_CLASS, ""),
                SandboxSpec.parseSize(spec.backendOption(TMP_SIZE, "64m")),
                Duration.ofSeconds(number(spec, DEADLINE, "86400")),
                Double.parseDouble(spec.backendOption(CREATE_RATE, "20")),
                number(spec, UID, "1000"));
    }

    private static long number(SandboxSpec spec, String key, String byDefault) {
        String value = spec.backendOption(key, byDefault);
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("backend option " + key + " must be a whole number, got \"" + value + "\"");
        }
    }
}
