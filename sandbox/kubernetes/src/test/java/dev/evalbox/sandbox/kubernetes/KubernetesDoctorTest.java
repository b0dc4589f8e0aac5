package dev.evalbox.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.SandboxCheck;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code evalbox doctor --backend kubernetes} (the provider's {@code doctor} through the sandbox SPI) against fabric8's mock
 * API server in CRUD mode with {@link MockCluster}'s fake kubelet: no cluster can run on these machines, so what this shows
 * is that each check reads what an API server reports and says what is wrong, not that a real cluster reports it so. The
 * probe pod really runs (the kubelet runs its Python as a local process); the "API server address" it tries is the
 * {@code kubernetes} service the test writes into the mock, a loopback port: one nobody listens on stands for a policy
 * that blocks egress, one the test listens on for a network plugin that does not enforce NetworkPolicy.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubernetesDoctorTest {
    private MockCluster cluster;
    private KubernetesClient client;
    private KubernetesSandboxProvider provider;
    private ServerSocket listening;

    @BeforeEach
    void start() {
        cluster = new MockCluster();
        client = cluster.client();
        provider = new KubernetesSandboxProvider(cluster.config(), "run-doctor");
    }

    @AfterEach
    void stop() throws IOException {
        if (listening != null) listening.close();
        if (provider != null) provider.close();
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    /** A cluster where everything is as docs/kubernetes.md says: the namespace, the policy, the API server's service. */
    private void wellSetUp() throws IOException {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(MockCluster.NAMESPACE).endMetadata().build()).create();
        client.network().v1().networkPolicies().inNamespace(MockCluster.NAMESPACE).resource(Manifests.denyAll(MockCluster.NAMESPACE)).create();
        apiServerAt(closedPort());
    }

    private void apiServerAt(int port) {
        client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("kubernetes").withNamespace("default")
                .endMetadata().withNewSpec().withClusterIP("127.0.0.1").addNewPort().withPort(port).endPort().endSpec().build()).createOr(r -> r.update());
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private List<SandboxCheck> doctor(SandboxSpec spec) {
        List<SandboxCheck> checks = new ArrayList<>();
        provider.doctor(spec, checks::add);
        return checks;
    }

    private static SandboxCheck check(List<SandboxCheck> checks, String what) {
        return checks.stream().filter(c -> c.what().equals(what)).findFirst()
                .orElseThrow(() -> new AssertionError("no \"" + what + "\" check in " + checks));
    }

    private static List<String> failed(List<SandboxCheck> checks) {
        return checks.stream().filter(c -> !c.ok()).map(SandboxCheck::what).toList();
    }

    @Test
    void aClusterSetUpAsDocumentedPassesEveryCheck() throws IOException {
        wellSetUp();
        List<SandboxCheck> checks = doctor(SandboxSpec.python().build());
        assertEquals(List.of("credentials", "API server", "namespace", "permissions", "network policy", "image", "egress blocked", "pids limit"),
                checks.stream().map(SandboxCheck::what).toList());
        assertEquals(List.of(), failed(checks), checks.toString());
        assertTrue(check(checks, "egress blocked").detail().startsWith("EGRESS-BLOCKED 127.0.0.1:"), checks.toString());
        assertTrue(check(checks, "pids limit").note(), "the mock's pods run on no named node: " + checks);
        assertTrue(client.pods().inNamespace(MockCluster.NAMESPACE).list().getItems().isEmpty(), "the probe pod is deleted");
    }

    @Test
    void aMissingNamespaceIsAFailedCheckNamingIt() throws IOException {
        apiServerAt(closedPort());
        List<SandboxCheck> checks = doctor(SandboxSpec.python().build());
        SandboxCheck namespace = check(checks, "namespace");
        assertFalse(namespace.ok(), checks.toString());
        assertTrue(namespace.fix().contains("kubectl create namespace " + MockCluster.NAMESPACE), namespace.fix());
        assertEquals("namespace", checks.get(checks.size() - 1).what(), "nothing after it can run: " + checks);
    }

    @Test
    void aDeniedRightIsAFailedCheckNamingTheVerbAndResource() throws IOException {
        wellSetUp();
        cluster.denied.add("create pods/attach");
        List<SandboxCheck> checks = doctor(SandboxSpec.python().build());
        SandboxCheck permissions = check(checks, "permissions");
        assertFalse(permissions.ok(), checks.toString());
        assertTrue(permissions.fix().startsWith("missing in " + MockCluster.NAMESPACE + ": create pods/attach;"), permissions.fix());
        assertEquals(List.of("permissions"), failed(checks));
    }

    @Test
    void aMissingNetworkPolicyIsReportedAndNotCreated() throws IOException {
        wellSetUp();
        client.network().v1().networkPolicies().inNamespace(MockCluster.NAMESPACE).withName(Manifests.NETWORK_POLICY).delete();
        List<SandboxCheck> checks = doctor(SandboxSpec.python().build());
        SandboxCheck policy = check(checks, "network policy");
        assertFalse(policy.ok(), checks.toString());
        assertTrue(policy.fix().contains(Manifests.NETWORK_POLICY) && policy.fix().contains(MockCluster.NAMESPACE), policy.fix());
        assertNull(client.network().v1().networkPolicies().inNamespace(MockCluster.NAMESPACE).withName(Manifests.NETWORK_POLICY).get(),
                "doctor changes nothing but its probe pod");
    }

    @Test
    void anImageTheClusterCannotPullIsAFailedCheckNamingIt() throws IOException {
        wellSetUp();
        List<SandboxCheck> checks = doctor(SandboxSpec.python().image(MockCluster.UNPULLABLE).build());
        SandboxCheck image = check(checks, "image");
        assertFalse(image.ok(), checks.toString());
        assertTrue(image.fix().contains("cannot pull " + MockCluster.UNPULLABLE + " (ErrImagePull)") && image.fix().contains("evalbox image push"),
                image.fix());
        assertEquals(List.of("image"), failed(checks));
        assertTrue(client.pods().inNamespace(MockCluster.NAMESPACE).list().getItems().isEmpty(), "the probe pod is deleted");
    }

    @Test
    void egressThatReachesTheApiServerAddressIsAFailedCheck() throws IOException {
        wellSetUp();
        listening = new ServerSocket(0, 8, InetAddress.getLoopbackAddress()); // the kernel accepts for it: the probe connects
        apiServerAt(listening.getLocalPort());
        List<SandboxCheck> checks = doctor(SandboxSpec.python().build());
        SandboxCheck egress = check(checks, "egress blocked");
        assertFalse(egress.ok(), checks.toString());
        assertTrue(egress.fix().contains("the probe reached 127.0.0.1:" + listening.getLocalPort())
                && egress.fix().contains("does not enforce NetworkPolicy"), egress.fix());
        assertEquals(List.of("egress blocked"), failed(checks));
    }

    @Test
    void withNoAddressToTryEgressIsNotClaimedBlocked() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(MockCluster.NAMESPACE).endMetadata().build()).create();
        client.network().v1().networkPolicies().inNamespace(MockCluster.NAMESPACE).resource(Manifests.denyAll(MockCluster.NAMESPACE)).create();
        // no kubernetes service, and the mock's pods get no KUBERNETES_SERVICE_HOST
        List<SandboxCheck> checks = doctor(SandboxSpec.python().build());
        SandboxCheck egress = check(checks, "egress blocked");
        assertFalse(egress.ok(), checks.toString());
        assertTrue(egress.fix().startsWith("egress was not tested: no address to try"), egress.fix());
    }
}
