package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.sandbox.kubernetes.KubernetesOptions;
import dev.evalbox.sandbox.kubernetes.Manifests;
import dev.evalbox.sandbox.kubernetes.MockCluster;
import dev.evalbox.sandbox.kubernetes.Owner;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * `evalbox sandbox reap` and `evalbox doctor` with `--backend kubernetes --namespace N`, which reach the backend through the
 * sandbox SPI only ({@code SandboxProvider.reap(spec)}, {@code doctor(spec, out)}): the namespace must get there. Against
 * fabric8's mock API server ({@link MockCluster}; no cluster runs on these machines), found as without a kubeconfig.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubernetesSpiCommandsTest {
    private static final Map<String, String> CLIENT_PROPERTIES = Map.of(
            "kubernetes.auth.tryKubeConfig", "false",
            "kubernetes.auth.tryServiceAccount", "false");

    private MockCluster cluster;
    private KubernetesClient client;

    @BeforeEach
    void start() {
        cluster = new MockCluster();
        client = cluster.client();
        CLIENT_PROPERTIES.forEach(System::setProperty);
        System.setProperty("kubernetes.master", cluster.url()); // no namespace of its own: the client's is "default"
    }

    @AfterEach
    void stop() {
        CLIENT_PROPERTIES.keySet().forEach(System::clearProperty);
        System.clearProperty("kubernetes.master");
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    @Test
    void reapCleansTheNamespaceItIsGiven() {
        Owner dead = Owner.of("elsewhere/4242/1"); // no lease: its harness is gone
        SandboxSpec spec = SandboxSpec.python().image(MockCluster.UNPULLABLE).build(); // never runs: only its labels matter
        String name = "orphan-" + dead.id();
        client.pods().inNamespace(MockCluster.NAMESPACE).resource(
                Manifests.pod(name, MockCluster.NAMESPACE, spec, KubernetesOptions.of(spec), dead, Map.of())).create();

        CommandRunner.Result elsewhere = CommandRunner.run("sandbox", "reap", "--backend", "kubernetes");
        assertEquals(0, elsewhere.exitCode(), elsewhere.out() + elsewhere.err());
        assertTrue(elsewhere.out().contains("removed 0 sandbox(es)"), "the client's namespace, default, has none: " + elsewhere.out());
        assertNotNull(client.pods().inNamespace(MockCluster.NAMESPACE).withName(name).get());

        CommandRunner.Result here = CommandRunner.run("sandbox", "reap", "--backend", "kubernetes", "--namespace", MockCluster.NAMESPACE);
        assertEquals(0, here.exitCode(), here.out() + here.err());
        assertTrue(here.out().contains("removed 1 sandbox(es)"), here.out());
        assertNull(client.pods().inNamespace(MockCluster.NAMESPACE).withName(name).get());
    }

    @Test
    void doctorChecksTheNamespaceItIsGiven() {
        CommandRunner.Result result = CommandRunner.run("doctor", "--backend", "kubernetes", "--namespace", MockCluster.NAMESPACE);
        assertEquals(1, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("ok       API server"), result.out());
        assertTrue(result.out().contains("kubectl create namespace " + MockCluster.NAMESPACE), "the mock has no namespaces: " + result.out());
        assertTrue(result.err().isBlank(), result.err());
    }
}
