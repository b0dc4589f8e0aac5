package dev.evalbox.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.SandboxCheck;
import dev.evalbox.sandbox.SandboxLimits;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The process limit on Kubernetes. A pod has no pids field, and RLIMIT_NPROC set inside a container would count
 * every process of its uid on the node (all sandbox pods run as uid 1000 in the node's user namespace), so it is no
 * per-sandbox limit: the provider does not claim the limit, and doctor reads what holds instead, the kubelet's
 * podPidsLimit, through the API server's node proxy (answered here by {@link MockCluster} as an API server would:
 * the kubelet's configz, or 403 without get on nodes/proxy).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesPidsLimitTest {
    private MockCluster cluster;
    private KubernetesClient client;

    @BeforeAll
    void start() {
        cluster = new MockCluster();
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @BeforeEach
    void reset() {
        cluster.kubeletConfigs.clear();
        cluster.nodeProxyForbidden = false;
    }

    @Test
    void theProviderDoesNotClaimThePidsLimit() {
        try (KubernetesSandboxProvider provider = new KubernetesSandboxProvider(cluster.config(), "run-pids")) {
            assertFalse(provider.enforces().contains(SandboxLimits.Limit.PIDS));
            assertTrue(provider.enforces().contains(SandboxLimits.Limit.MEMORY));
        }
    }

    @Test
    void aNodesPodPidsLimitIsWhatDoctorReports() {
        cluster.kubeletConfigs.put("node-a", "{\"kubeletconfig\":{\"maxPods\":110,\"podPidsLimit\":4096}}");
        SandboxCheck check = KubernetesDoctor.pidsLimit(client, "node-a", SandboxSpec.python().build().pidsLimit());
        assertTrue(check.ok() && !check.note(), check.toString());
        assertTrue(check.detail().contains("4096 processes per pod") && check.detail().contains("node-a")
                && check.detail().contains("evalbox's own limit, 256, is not applied"), check.detail());
    }

    @Test
    void aNodeWithoutPodPidsLimitFailsTheCheckWithTheFix() {
        cluster.kubeletConfigs.put("node-b", "{\"kubeletconfig\":{\"maxPods\":110}}"); // absent: the kubelet's default, no limit
        SandboxCheck check = KubernetesDoctor.pidsLimit(client, "node-b", 256);
        assertFalse(check.ok(), check.toString());
        assertTrue(check.fix().contains("not applied on Kubernetes") && check.fix().contains("unset")
                && check.fix().contains("set podPidsLimit (e.g. 256)") && check.fix().contains("--pod-max-pids"), check.fix());
        cluster.kubeletConfigs.put("node-b", "{\"kubeletconfig\":{\"podPidsLimit\":-1}}");
        assertFalse(KubernetesDoctor.pidsLimit(client, "node-b", 256).ok());
    }

    @Test
    void withoutTheRightToReadTheNodeDoctorSaysWhatHoldsAsANote() {
        cluster.nodeProxyForbidden = true;
        SandboxCheck check = KubernetesDoctor.pidsLimit(client, "node-c", 256);
        assertTrue(check.note(), check.toString());
        assertTrue(check.detail().contains("not applied on Kubernetes") && check.detail().contains("podPidsLimit")
                && check.detail().contains("forbidden (403)") && check.detail().contains("nodes/proxy"), check.detail());
        SandboxCheck unknown = KubernetesDoctor.pidsLimit(client, null, 256);
        assertTrue(unknown.note() && unknown.detail().contains("no known node"), unknown.toString());
        cluster.nodeProxyForbidden = false;
        SandboxCheck missing = KubernetesDoctor.pidsLimit(client, "no-such-node", 256);
        assertEquals(true, missing.note(), missing.toString());
    }
}
