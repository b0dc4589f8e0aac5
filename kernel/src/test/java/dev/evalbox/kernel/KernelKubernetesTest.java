package dev.evalbox.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.kernel.wire.Message;
import dev.evalbox.sandbox.kubernetes.MockCluster;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code %sandbox open --backend kubernetes} from a notebook, as {@code evalbox run --backend kubernetes} does it: against
 * fabric8's mock API server ({@link MockCluster}: no cluster can run on these machines) whose fake kubelet runs the pod's
 * driver as a local process behind the mock's attach. The API server is found as the CLI finds it without a kubeconfig
 * (the {@code kubernetes.master} property). Without a reachable API server or credentials the cell's error is one line.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KernelKubernetesTest extends RunningKernel {
    private static final Duration WAIT = Duration.ofSeconds(120);
    /** fabric8 reads these when no kubeconfig is used; set only while a test runs. */
    private static final Map<String, String> CLIENT_PROPERTIES = Map.of(
            "kubernetes.auth.tryKubeConfig", "false",
            "kubernetes.auth.tryServiceAccount", "false");

    private record Ran(Message reply, List<Message> iopub) {
        String streams() {
            return iopub.stream().filter(m -> m.type().equals("stream")).map(m -> m.content().path("text").asText())
                    .reduce("", String::concat);
        }

        String status() { return reply.content().path("status").asText(); }

        String result() {
            return iopub.stream().filter(m -> m.type().equals("execute_result")).findFirst()
                    .map(m -> m.content().path("data").path("text/plain").asText()).orElse("");
        }
    }

    private Ran run(String code) {
        Message request = client.execute(code);
        Message reply = client.reply(client.shell, request, WAIT);
        return new Ran(reply, client.iopubUntilIdle(request, WAIT));
    }

    @AfterEach
    void clearProperties() {
        CLIENT_PROPERTIES.keySet().forEach(System::clearProperty);
        System.clearProperty("kubernetes.master");
        System.clearProperty("kubeconfig");
    }

    @Test
    void aKubernetesSandboxOpensFromAMagicAndRunsCells() {
        try (MockCluster cluster = new MockCluster(); KubernetesClient api = cluster.client()) {
            CLIENT_PROPERTIES.forEach(System::setProperty);
            System.setProperty("kubernetes.master", cluster.url());
            try {
                opensAndRuns(api);
            } finally {
                run("%sandbox close"); // while the API server still answers
            }
        }
    }

    private void opensAndRuns(KubernetesClient api) {
        Ran open = run("%sandbox open --backend kubernetes --namespace " + MockCluster.NAMESPACE + " --runtime-class gvisor --memory 512m");
        assertEquals("ok", open.status(), open.reply().content().toString());
        assertTrue(open.result().startsWith("kubernetes sandbox "), open.result());

        List<Pod> pods = api.pods().inNamespace(MockCluster.NAMESPACE).withLabel("evalbox.sandbox", "true").list().getItems();
        assertEquals(1, pods.size(), "one pod for the notebook's sandbox: " + pods);
        Pod pod = pods.get(0);
        assertEquals("gvisor", pod.getSpec().getRuntimeClassName(), "--runtime-class reaches the pod");
        assertTrue(open.result().contains(pod.getMetadata().getName()), open.result());

        Ran cell = run("%%python\nimport sys\nprint('hello from', sys.version_info[0])\nx = 40\nx + 2");
        assertEquals("ok", cell.status(), cell.reply().content().toString());
        assertTrue(cell.streams().contains("hello from 3"), cell.streams());
        assertEquals("42", cell.result());
        assertEquals("400", run("%%python\nx * 10").result(), "the state is kept between cells");

        assertEquals("ok", run("%sandbox close").status());
        Pod gone = api.pods().inNamespace(MockCluster.NAMESPACE).withName(pod.getMetadata().getName())
                .waitUntilCondition(p -> p == null, 60, TimeUnit.SECONDS);
        assertEquals(null, gone, "closing the sandbox deletes its pod");
    }

    @Test
    void anUnreachableApiServerIsOneLineInTheCellsError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again: nothing listens there
        }
        CLIENT_PROPERTIES.forEach(System::setProperty);
        System.setProperty("kubernetes.master", "https://127.0.0.1:" + port);
        JsonNode error = run("%sandbox open --backend kubernetes").reply().content();
        assertOneLine(error, "cannot reach the Kubernetes API server at https://127.0.0.1:" + port);
    }

    @Test
    void missingCredentialsAreOneLineInTheCellsError(@TempDir Path dir) {
        System.setProperty("kubeconfig", dir.resolve("no-such-kubeconfig").toString());
        JsonNode error = run("%sandbox open --backend kubernetes").reply().content();
        assertOneLine(error, "no Kubernetes credentials");
    }

    private static void assertOneLine(JsonNode error, String expected) {
        assertEquals("error", error.path("status").asText(), error.toString());
        String evalue = error.path("evalue").asText();
        assertTrue(evalue.contains(expected), evalue);
        assertFalse(evalue.contains("\n"), evalue);
        assertEquals(1, error.path("traceback").size(), "one line, no stack trace: " + error.path("traceback"));
        assertFalse(error.path("traceback").get(0).asText().contains("\tat "), error.path("traceback").toString());
    }
}
