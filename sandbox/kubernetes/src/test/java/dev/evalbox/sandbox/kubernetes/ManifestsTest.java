package dev.evalbox.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The objects the Kubernetes backend writes, field by field: no cluster is needed to read them. */
class ManifestsTest {
    private static final Owner OWNER = Owner.of("host-a/123/456");

    private static Pod pod(SandboxSpec spec) {
        return Manifests.pod("evalbox-abc", "ns1", spec, KubernetesOptions.of(spec), OWNER,
                Map.of(Manifests.LABEL_RUN, "run-1", Manifests.LABEL_TASK, "pybench/task 7"));
    }

    @Test
    void thePodIsTheDockerContainersHardeningInKubernetesTerms() {
        SandboxSpec spec = SandboxSpec.python().image("registry.example/evalbox/python:1").memory("768m").cpus(1.5)
                .workDirSize("256m").env("EXTRA", "1").build();
        Pod pod = pod(spec);
        assertEquals("evalbox-abc", pod.getMetadata().getName());
        assertEquals("ns1", pod.getMetadata().getNamespace());
        assertEquals(Map.of(Manifests.LABEL_RUN, "run-1", Manifests.LABEL_TASK, "pybench_task_7", Manifests.LABEL_OWNER, OWNER.id(),
                Manifests.LABEL_SANDBOX, "true", Manifests.LABEL_NETWORK, "none"), pod.getMetadata().getLabels());
        assertEquals("host-a/123/456", pod.getMetadata().getAnnotations().get(Manifests.ANNOTATION_OWNER_MARK));
        assertEquals("pybench/task 7", pod.getMetadata().getAnnotations().get("evalbox.dev/task"), "the task's own name, which a label cannot hold");

        PodSpec podSpec = pod.getSpec();
        assertEquals("Never", podSpec.getRestartPolicy());
        assertEquals(false, podSpec.getAutomountServiceAccountToken());
        assertEquals(false, podSpec.getEnableServiceLinks());
        assertEquals(86400L, podSpec.getActiveDeadlineSeconds());
        assertNull(podSpec.getRuntimeClassName());
        assertEquals(true, podSpec.getSecurityContext().getRunAsNonRoot());
        assertEquals(1000L, podSpec.getSecurityContext().getRunAsUser());
        assertEquals(1000L, podSpec.getSecurityContext().getRunAsGroup());
        assertEquals(1000L, podSpec.getSecurityContext().getFsGroup());
        assertEquals("RuntimeDefault", podSpec.getSecurityContext().getSeccompProfile().getType());
        assertNull(podSpec.getHostNetwork());
        assertNull(podSpec.getHostPID());

        assertEquals(1, podSpec.getContainers().size());
        Container c = podSpec.getContainers().get(0);
        assertEquals(Manifests.CONTAINER, c.getName());
        assertEquals("registry.example/evalbox/python:1", c.getImage());
        assertEquals(List.of("python3", "-u", "-c", Manifests.BOOTSTRAP), c.getCommand());
        assertTrue(Manifests.BOOTSTRAP.length() < 1000, "the driver comes over stdin, not in the pod spec");
        assertEquals("/work", c.getWorkingDir());
        assertEquals(true, c.getStdin());
        assertEquals(false, c.getStdinOnce());
        assertEquals(false, c.getTty());
        assertTrue(c.getPorts().isEmpty(), "no port is opened");
        Map<String, String> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertEquals(Map.of("EVALBOX_DRIVER_MODE", "auto", "EVALBOX_PROCESS_SCOPE", "container", "HOME", "/work", "EXTRA", "1"), env);

        Map<String, Quantity> expected = Map.of("cpu", new Quantity("1500m"), "memory", new Quantity(Long.toString(768L << 20)));
        assertEquals(expected, c.getResources().getRequests(), "requests equal limits: Guaranteed QoS");
        assertEquals(expected, c.getResources().getLimits());

        var sc = c.getSecurityContext();
        assertEquals(true, sc.getRunAsNonRoot());
        assertEquals(1000L, sc.getRunAsUser());
        assertEquals(true, sc.getReadOnlyRootFilesystem());
        assertEquals(false, sc.getAllowPrivilegeEscalation());
        assertEquals(false, sc.getPrivileged());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertTrue(sc.getCapabilities().getAdd().isEmpty());
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());

        Map<String, String> mounts = c.getVolumeMounts().stream().collect(Collectors.toMap(m -> m.getName(), m -> m.getMountPath()));
        assertEquals(Map.of("work", "/work", "tmp", "/tmp"), mounts);
        Map<String, Volume> volumes = podSpec.getVolumes().stream().collect(Collectors.toMap(Volume::getName, v -> v));
        assertEquals(Long.toString(256L << 20), volumes.get("work").getEmptyDir().getSizeLimit().getAmount());
        assertNull(volumes.get("work").getEmptyDir().getMedium(), "the work dir is on the node's disk");
        assertEquals("Memory", volumes.get("tmp").getEmptyDir().getMedium());
        assertEquals(Long.toString(64L << 20), volumes.get("tmp").getEmptyDir().getSizeLimit().getAmount());
        assertEquals(2, volumes.size(), "no host paths, no secrets, no config maps");
    }

    @Test
    void backendOptionsReachThePodAndANetworkedSandboxIsNotSelectedByThePolicy() {
        SandboxSpec spec = SandboxSpec.python().network(true).readOnlyRoot(false)
                .backendOption(KubernetesOptions.RUNTIME_CLASS, "gvisor").backendOption(KubernetesOptions.DEADLINE, "600")
                .backendOption(KubernetesOptions.TMP_SIZE, "16m").backendOption(KubernetesOptions.NAMESPACE, "other").build();
        Pod pod = pod(spec);
        assertEquals("gvisor", pod.getSpec().getRuntimeClassName());
        assertEquals(600L, pod.getSpec().getActiveDeadlineSeconds());
        assertFalse(pod.getMetadata().getLabels().containsKey(Manifests.LABEL_NETWORK));
        assertEquals(false, pod.getSpec().getContainers().get(0).getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Long.toString(16L << 20), pod.getSpec().getVolumes().get(1).getEmptyDir().getSizeLimit().getAmount());
        assertEquals("other", KubernetesOptions.of(spec).namespace());
    }

    @Test
    void theNetworkPolicyDeniesAllIngressAndEgressOfNetworklessSandboxes() {
        NetworkPolicy policy = Manifests.denyAll("ns1");
        assertEquals(Manifests.NETWORK_POLICY, policy.getMetadata().getName());
        assertEquals("ns1", policy.getMetadata().getNamespace());
        assertEquals(Map.of(Manifests.LABEL_NETWORK, "none"), policy.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        assertTrue(policy.getSpec().getIngress().isEmpty(), "no ingress rule: nothing comes in");
        assertTrue(policy.getSpec().getEgress().isEmpty(), "no egress rule: nothing goes out, DNS included");
    }

    @Test
    void theLeaseNamesItsOwnerAndWhenItWasRenewed() {
        ZonedDateTime now = ZonedDateTime.of(2026, 12, 3, 12, 0, 0, 123_456_000, ZoneOffset.UTC);
        Lease lease = Manifests.lease("ns1", OWNER, now);
        assertEquals("evalbox-owner-" + OWNER.id(), lease.getMetadata().getName());
        assertEquals(OWNER.id(), lease.getMetadata().getLabels().get(Manifests.LABEL_OWNER));
        assertEquals("host-a/123/456", lease.getSpec().getHolderIdentity());
        assertEquals(Manifests.LEASE_SECONDS, lease.getSpec().getLeaseDurationSeconds());
        assertEquals(now, lease.getSpec().getRenewTime());
        assertTrue(KubernetesSandboxProvider.ownerGone(Manifests.lease("ns1", OWNER, ZonedDateTime.now().minusMinutes(5)), "host-a/123/456"));
        assertFalse(KubernetesSandboxProvider.ownerGone(Manifests.lease("ns1", OWNER, ZonedDateTime.now()), "host-a/123/456"));
        assertTrue(KubernetesSandboxProvider.ownerGone(null, "host-a/123/456"), "no lease: its owner never wrote one or is long gone");
    }

    @Test
    void labelValuesAreWhatKubernetesAccepts() {
        assertEquals("pybench_task_7", Manifests.labelValue("pybench/task 7"));
        assertEquals("a", Manifests.labelValue("-a-"));
        assertEquals(63, Manifests.labelValue("x".repeat(100)).length());
        assertEquals("", Manifests.labelValue(""));
        assertEquals(16, OWNER.id().length());
    }
}
