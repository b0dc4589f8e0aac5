package dev.evalbox.sandbox;

import dev.evalbox.sandbox.kubernetes.KubernetesSandboxProvider;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;

/**
 * The whole sandbox contract on a real Kubernetes cluster: runs when a kubeconfig is present
 * ({@code EVALBOX_CLUSTER_KUBECONFIG}, else ~/.kube/config) and is skipped with a message otherwise, or fails
 * then with {@code EVALBOX_REQUIRE_CLUSTER=1}. The image is {@code EVALBOX_CLUSTER_IMAGE} (one the cluster can
 * pull: `evalbox image push`, or `kind load docker-image`), default evalbox/python:latest; the namespace is
 * {@code EVALBOX_CLUSTER_NAMESPACE}, default the context's. The cluster's network plugin must enforce
 * NetworkPolicy for the network check to pass (docs/kubernetes.md).
 */
@Tag("cluster")
class KubernetesClusterContractTest extends SandboxProviderContract {
    private KubernetesClient client;
    private String namespace;

    @Override
    protected SandboxProvider newProvider() {
        Path kubeconfig = Path.of(System.getenv().getOrDefault("EVALBOX_CLUSTER_KUBECONFIG",
                Path.of(System.getProperty("user.home"), ".kube", "config").toString()));
        if (!Files.isReadable(kubeconfig)) {
            String message = "no Kubernetes cluster to test on: no kubeconfig at " + kubeconfig + " (set EVALBOX_CLUSTER_KUBECONFIG)";
            if ("1".equals(System.getenv("EVALBOX_REQUIRE_CLUSTER"))) throw new AssertionError(message);
            System.err.println("SKIPPED KubernetesClusterContractTest: " + message); // surefire counts a class aborted in @BeforeAll as 0 tests
            Assumptions.abort(message);
        }
        String text;
        try {
            text = Files.readString(kubeconfig);
            // the reaping check's child JVM reads the kubeconfig surefire names: this cluster's, for this class
            Files.createDirectories(KubernetesMockProviderContractTest.testKubeconfig().getParent());
            Files.writeString(KubernetesMockProviderContractTest.testKubeconfig(), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Config config = Config.fromKubeconfig(text);
        client = new KubernetesClientBuilder().withConfig(config).build();
        namespace = System.getenv().getOrDefault("EVALBOX_CLUSTER_NAMESPACE", config.getNamespace() == null ? "default" : config.getNamespace());
        return new KubernetesSandboxProvider(config, "run-cluster-contract");
    }

    @Override
    protected SandboxSpec.Builder spec() {
        return super.spec().image(System.getenv().getOrDefault("EVALBOX_CLUSTER_IMAGE", SandboxSpec.DEFAULT_IMAGE))
                .backendOption("kubernetes.namespace", namespace);
    }

    @Override
    protected boolean remains(String id, String workDir) {
        return client.pods().inNamespace(namespace).withName(id).get() != null;
    }

    @AfterAll
    void closeClient() {
        if (client != null) client.close();
    }
}
