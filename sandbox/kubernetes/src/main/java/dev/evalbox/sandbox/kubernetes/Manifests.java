package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.DriverSource;
import dev.evalbox.sandbox.SandboxLimits;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The objects the Kubernetes backend puts into a cluster, built from a spec and nothing else (so a test can
 * read them field by field): the sandbox pod, the NetworkPolicy that cuts sandbox pods off every network, and
 * the Lease by which a harness says it is still alive.
 *
 * <p>The pod is the Docker backend's container in Kubernetes terms: non-root uid 1000, read-only root, every
 * capability dropped, no privilege escalation, seccomp RuntimeDefault, requests equal to limits (Guaranteed
 * QoS) from the portable limits, the work dir an emptyDir with a size limit, /tmp memory-backed, no service
 * account token, no service links, restartPolicy Never and activeDeadlineSeconds as a last resort.
 */
public final class Manifests {
    public static final String LABEL_RUN = "evalbox.run";
    public static final String LABEL_TASK = "evalbox.task";
    public static final String LABEL_OWNER = "evalbox.owner";
    /** On every sandbox pod: what the provider lists, reaps and what doctor's probe is not. */
    public static final String LABEL_SANDBOX = "evalbox.sandbox";
    /** "none" on pods that may reach no network: what the deny-all NetworkPolicy selects. */
    public static final String LABEL_NETWORK = "evalbox.network";
    /** The full owner mark (host/pid/start), which a label value cannot hold. */
    public static final String ANNOTATION_OWNER_MARK = "evalbox.dev/owner-mark";
    public static final String NETWORK_POLICY = "evalbox-sandbox-deny-all";
    public static final String CONTAINER = "sandbox";
    public static final int LEASE_SECONDS = 30;

    /**
     * The container's program: it reads a decimal length and a newline from stdin, then that many bytes (the
     * driver's source), and replaces itself with the driver, which stays PID 1. The driver comes over the
     * attached stdin, not in the pod spec, so the pod stays small (the API server, every watch and the
     * provider's cache hold each pod) and the provider is attached before the driver says it is ready.
     */
    static final String BOOTSTRAP = String.join("\n",
            "import os, sys",
            "def take(n):",
            "    got = b''",
            "    while len(got) < n:",
            "        more = os.read(0, n - len(got))",
            "        if not more: sys.exit(0)",
            "        got += more",
            "    return got",
            "head = b''",
            "while not head.endswith(b'\\n'): head += take(1)",
            "os.execv(sys.executable, [sys.executable, '-u', '-c', take(int(head)).decode('utf-8')])",
            "");

    private Manifests() { }

    /** The pod of one sandbox, named {@code name}, owned by {@code owner}, in {@code namespace}. */
    public static Pod pod(String name, String namespace, SandboxSpec spec, KubernetesOptions options, Owner owner, Map<String, String> labels) {
        SandboxLimits limits = spec.limits();
        Map<String, Quantity> resources = Map.of(
                "cpu", new Quantity(Math.max(1, Math.round(limits.cpus() * 1000)) + "m"),
                "memory", new Quantity(Long.toString(limits.memoryBytes())));
        Map<String, String> env = new TreeMap<>(DriverSource.environment(spec, DriverSource.ProcessScope.CONTAINER));
        env.put("HOME", spec.workDir());
        env.putAll(spec.env());
        List<EnvVar> envVars = new ArrayList<>();
        env.forEach((k, v) -> envVars.add(new EnvVar(k, v, null)));

        ContainerBuilder container = new ContainerBuilder()
                .withName(CONTAINER)
                .withImage(spec.image())
                .withImagePullPolicy("IfNotPresent")
                .withCommand(spec.pythonExecutable(), "-u", "-c", BOOTSTRAP)
                .withWorkingDir(spec.workDir())
                .withEnv(envVars)
                .withStdin(true).withStdinOnce(false).withTty(false)
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .withNewSecurityContext()
                    .withRunAsNonRoot(true).withRunAsUser(options.uid()).withRunAsGroup(options.uid())
                    .withReadOnlyRootFilesystem(limits.readOnlyRoot())
                    .withAllowPrivilegeEscalation(false).withPrivileged(false)
                    .withNewCapabilities().withDrop("ALL").endCapabilities()
                    .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount().withName("work").withMountPath(spec.workDir()).endVolumeMount()
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount();

        Map<String, String> podLabels = new LinkedHashMap<>();
        labels.forEach((k, v) -> podLabels.put(k, labelValue(v)));
        podLabels.put(LABEL_OWNER, owner.id());
        podLabels.put(LABEL_SANDBOX, "true");
        if (!limits.network()) podLabels.put(LABEL_NETWORK, "none");
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put(ANNOTATION_OWNER_MARK, owner.mark());
        labels.forEach((k, v) -> {
            if (!labelValue(v).equals(v)) annotations.put("evalbox.dev/" + k.replace("evalbox.", ""), v); // the value a label could not hold
        });

        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(podLabels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                    .withRestartPolicy("Never")
                    .withAutomountServiceAccountToken(false)
                    .withEnableServiceLinks(false)
                    .withActiveDeadlineSeconds(options.deadline().toSeconds())
                    .withTerminationGracePeriodSeconds(1L)
                    .withRuntimeClassName(options.runtimeClass().isEmpty() ? null : options.runtimeClass())
                    .withNewSecurityContext()
                        .withRunAsNonRoot(true).withRunAsUser(options.uid()).withRunAsGroup(options.uid()).withFsGroup(options.uid())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                    .endSecurityContext()
                    .withContainers(container.build())
                    .addNewVolume().withName("work").withNewEmptyDir().withSizeLimit(new Quantity(Long.toString(limits.workDirBytes()))).endEmptyDir().endVolume()
                    .addNewVolume().withName("tmp").withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity(Long.toString(options.tmpBytes()))).endEmptyDir().endVolume()
                .endSpec()
                .build();
    }

    /** Denies every ingress and egress of the pods labelled {@code evalbox.network=none}. */
    public static NetworkPolicy denyAll(String namespace) {
        return new NetworkPolicyBuilder()
                .withNewMetadata().withName(NETWORK_POLICY).withNamespace(namespace).addToLabels(LABEL_SANDBOX, "policy").endMetadata()
                .withNewSpec()
                    .withNewPodSelector().addToMatchLabels(LABEL_NETWORK, "none").endPodSelector()
                    .withPolicyTypes("Ingress", "Egress")
                    // no ingress and no egress rules: nothing is allowed either way, DNS included
                .endSpec()
                .build();
    }

    /** The Lease that says {@code owner} is alive as of {@code now}; a provider renews it every few seconds. */
    public static Lease lease(String namespace, Owner owner, ZonedDateTime now) {
        ZonedDateTime time = now.withZoneSameInstant(ZoneOffset.UTC);
        return new LeaseBuilder()
                .withNewMetadata().withName(owner.leaseName()).withNamespace(namespace)
                    .addToLabels(LABEL_OWNER, owner.id()).addToAnnotations(ANNOTATION_OWNER_MARK, owner.mark()).endMetadata()
                .withNewSpec()
                    .withHolderIdentity(owner.mark())
                    .withLeaseDurationSeconds(LEASE_SECONDS)
                    .withAcquireTime(time)
                    .withRenewTime(time)
                .endSpec()
                .build();
    }

    /**
     * A label value Kubernetes accepts (at most 63 characters of letters, digits, '-', '_' and '.', starting and
     * ending with a letter or digit) that keeps as much of {@code value} as it can; the pod's annotations keep the rest.
     */
    public static String labelValue(String value) {
        String safe = value.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 63) safe = safe.substring(0, 63);
        safe = safe.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        return safe;
    }
}
