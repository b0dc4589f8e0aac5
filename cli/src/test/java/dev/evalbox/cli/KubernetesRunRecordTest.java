package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.sandbox.kubernetes.MockCluster;
import dev.evalbox.unittests.eval.Benchmarks;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * `evalbox run --backend kubernetes` end to end on fabric8's mock API server ({@link MockCluster}: no cluster runs on
 * these machines), with the test-only Sums benchmark of {@link SingleFileBenchmarkTest}: the provider the CLI picks by
 * name, the runner, the pool and real driver processes behind the mock's attach. What it checks is that the backend's
 * counts reach run.json's {@code sandbox} section at the end of the run, and that the limit a pod does not hold
 * (pids) is recorded as not enforced.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubernetesRunRecordTest {
    /** fabric8 reads its configuration from these when no kubeconfig is used; set only for this test. */
    private static final Map<String, String> CLIENT_PROPERTIES = Map.of(
            "kubernetes.auth.tryKubeConfig", "false",
            "kubernetes.auth.tryServiceAccount", "false");

    private MockCluster cluster;

    @BeforeEach
    void start() {
        cluster = new MockCluster();
        CLIENT_PROPERTIES.forEach(System::setProperty);
        System.setProperty("kubernetes.master", cluster.url());
        System.setProperty(Benchmarks.PROPERTY, SingleFileBenchmarkTest.Sums.class.getName());
    }

    @AfterEach
    void stop() {
        CLIENT_PROPERTIES.keySet().forEach(System::clearProperty);
        System.clearProperty("kubernetes.master");
        System.clearProperty(Benchmarks.PROPERTY);
        if (cluster != null) cluster.close();
    }

    private static String answer(String code) { return "Here:\n```python\n" + code + "\n```"; }

    @Test
    void theBackendsCountsAndUnheldLimitsAreInTheRunRecord(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        cluster.throttleNextCreates.set(2); // the API server answers the first two pod creations with 429
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(answer("print(1 + 2)")), Step.reply(answer("print(20 * 2)")),
                    Step.reply(answer("print(3 + 4)")), Step.reply(answer("print(5 + 8)")));
            CommandRunner.Result result = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(),
                    "--backend", "kubernetes", "--namespace", MockCluster.NAMESPACE, "--concurrency", "1", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertTrue(result.out().contains("Sums pass rate: 75.0% (3 of 4)"), result.out());
        }
        JsonNode record = RunRecordSchemaTest.assertValidRun(run);
        JsonNode sandbox = record.path("sandbox");
        assertEquals("kubernetes", sandbox.path("backend").asText());
        assertEquals("evalbox/python:latest", sandbox.path("image").asText(), sandbox.toString());
        assertEquals(List.of("pids"), list(sandbox.path("limits").path("not_enforced")), "a pod has no pids limit of its own");
        JsonNode counters = sandbox.path("counters");
        assertEquals(List.of("pods_created", "unschedulable", "image_pull_failures", "throttled_429", "attach_reattached", "sandboxes_lost"),
                fieldNames(counters));
        assertTrue(counters.path("pods_created").asLong() >= 4, "one pod per task at least: " + counters);
        assertEquals(cluster.throttledCreates.get(), counters.path("throttled_429").asInt(), counters.toString());
        assertEquals(2, counters.path("throttled_429").asInt(), counters.toString());
        assertEquals(0, counters.path("unschedulable").asInt());
        assertEquals(0, counters.path("image_pull_failures").asInt());
        assertEquals(0, counters.path("sandboxes_lost").asInt());
    }

    private static List<String> list(JsonNode array) {
        List<String> values = new java.util.ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }

    private static List<String> fieldNames(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
