package dev.evalbox.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Output;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The Kubernetes backend's lifecycle against fabric8's mock API server in CRUD mode, with {@link MockCluster}'s
 * fake kubelet running each pod's command as a real local driver process and serving attach frame by frame
 * (v4 channel protocol). No real cluster runs here (none is packaged for these machines): what this checks is
 * the provider's side of every exchange, the objects it writes, and its reading of what a cluster reports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubernetesLifecycleTest {
    private MockCluster cluster;
    private KubernetesSandboxProvider provider;
    private KubernetesClient client;

    @BeforeAll
    void start() {
        cluster = new MockCluster();
        provider = new KubernetesSandboxProvider(cluster.config(), "run-lifecycle");
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (provider != null) provider.close();
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    private SandboxSpec.Builder spec() {
        return SandboxSpec.python().memory("512m").startTimeout(Duration.ofSeconds(120)).interruptGrace(Duration.ofSeconds(2))
                .label(Manifests.LABEL_TASK, "task/1");
    }

    @Test
    void aSandboxIsAPodSpokenToOverAttach() {
        assertTrue(provider.available(spec().build()).ok(), provider.available(spec().build()).reason());
        try (Sandbox sandbox = provider.open(spec().build())) {
            assertEquals("kubernetes", sandbox.backend());
            assertTrue(sandbox.execute("x = 20").ok());
            ExecutionResult result = sandbox.execute("print('out', flush=True)\nx * 2 + 2");
            assertEquals("out\n", result.stdout());
            assertEquals("42", result.result().flatMap(Output.MimeBundle::plainText).orElseThrow());
            Pod pod = client.pods().inNamespace(MockCluster.NAMESPACE).withName(sandbox.id()).get();
            assertNotNull(pod, "the sandbox's pod is in the API server");
            assertEquals("run-lifecycle", pod.getMetadata().getLabels().get(Manifests.LABEL_RUN));
            assertEquals("task_1", pod.getMetadata().getLabels().get(Manifests.LABEL_TASK));
            assertEquals("task/1", pod.getMetadata().getAnnotations().get("evalbox.dev/task"));
            assertEquals(provider.owner().id(), pod.getMetadata().getLabels().get(Manifests.LABEL_OWNER));
            assertNotNull(client.network().v1().networkPolicies().inNamespace(MockCluster.NAMESPACE).withName(Manifests.NETWORK_POLICY).get(),
                    "the deny-all policy was created");
            assertNotNull(client.leases().inNamespace(MockCluster.NAMESPACE).withName(provider.owner().leaseName()).get(), "the lease");
        }
    }
}
