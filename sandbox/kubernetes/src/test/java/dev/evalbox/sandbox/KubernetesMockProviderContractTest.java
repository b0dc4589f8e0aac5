package dev.evalbox.sandbox;

import dev.evalbox.sandbox.kubernetes.KubernetesSandboxProvider;
import dev.evalbox.sandbox.kubernetes.MockCluster;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;

/**
 * The shared sandbox contract on the Kubernetes backend, as far as a mock allows: fabric8's mock API server in
 * CRUD mode with {@link MockCluster}'s fake kubelet, whose pods run the real driver as local processes. No
 * Kubernetes server runs on these machines, so this is not a cluster: the limits a node enforces (pids,
 * network policy, read-only root, the work dir's size) are not enforced here and their checks are skipped;
 * memory is, roughly, by the fake kubelet. {@link KubernetesClusterContractTest} runs the whole contract on a
 * real cluster where there is one. The reaping check's child JVM finds the mock through the kubeconfig that
 * surefire names in KUBECONFIG (under target/), which this test writes.
 */
class KubernetesMockProviderContractTest extends SandboxProviderContract {
    private MockCluster cluster;
    private KubernetesClient client;

    @Override
    protected SandboxProvider newProvider() {
        cluster = new MockCluster();
        client = cluster.client();
        writeKubeconfig(cluster.url(), MockCluster.NAMESPACE);
        return new OnlyWhatTheMockEnforces(new KubernetesSandboxProvider(cluster.config(), "run-contract"));
    }

    @Override
    protected boolean remains(String id, String workDir) {
        return client.pods().inNamespace(MockCluster.NAMESPACE).withName(id).get() != null;
    }

    @AfterAll
    void stopCluster() {
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    /** The kubeconfig of the test JVM's children: only ever the file surefire names, under target/. */
    static Path testKubeconfig() {
        String named = System.getenv("KUBECONFIG");
        if (named == null || !named.endsWith("test-kubeconfig.yaml")) {
            throw new IllegalStateException("KUBECONFIG is not the test's own file (set by surefire): " + named);
        }
        return Path.of(named);
    }

    static void writeKubeconfig(String server, String namespace) {
        String yaml = String.join("\n", "apiVersion: v1", "kind: Config",
                "clusters:", "- name: mock", "  cluster:", "    server: " + server,
                "contexts:", "- name: mock", "  context:", "    cluster: mock", "    user: mock", "    namespace: " + namespace,
                "current-context: mock", "users:", "- name: mock", "  user:", "    token: mock-token", "");
        try {
            Files.createDirectories(testKubeconfig().getParent());
            Files.writeString(testKubeconfig(), yaml);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The provider under test, saying it enforces only what the mock's fake kubelet does: time and memory. */
    static final class OnlyWhatTheMockEnforces implements SandboxProvider {
        private final KubernetesSandboxProvider delegate;

        OnlyWhatTheMockEnforces(KubernetesSandboxProvider delegate) { this.delegate = delegate; }

        @Override public String name() { return delegate.name(); }
        @Override public int priority() { return delegate.priority(); }
        @Override public boolean isolated() { return delegate.isolated(); }
        @Override public Availability available(SandboxSpec spec) { return delegate.available(spec); }
        @Override public Set<SandboxLimits.Limit> enforces() { return EnumSet.of(SandboxLimits.Limit.TIME, SandboxLimits.Limit.MEMORY); }
        @Override public Sandbox open(SandboxSpec spec) { return delegate.open(spec); }
        @Override public int reap() { return delegate.reap(); }
        @Override public void close() { delegate.close(); }
    }
}
