package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.agentloop.trajectory.Trajectories;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --epochs N} through the spine with the single-file test benchmark ({@link SingleFileBenchmarkTest.Sums}):
 * rows carry epoch 1..N, each attempt gets a fresh sandbox, {@code --resume} with more epochs asks the model
 * only for the new epochs, and metrics.json has pass@k and pass^k with their intervals.
 */
@Tag("docker")
@ExtendWith(SumsRegistered.class)
class EpochsTest {
    @BeforeAll
    static void dockerRequired() {
        DockerRequired.check();
    }

    /** Prints 3 (s1's answer) only in a sandbox that no earlier attempt wrote its mark into. */
    private static final String FRESH = "Here:\n```python\nimport os\nprint(0 if os.path.exists('mark') else 3)\nopen('mark', 'w').write('x')\n```";

    @Test
    void epochsRepeatEachTaskInFreshSandboxesAndResumePerTaskAndEpoch(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            // concurrency 1, epoch by epoch: s1 e1, s2 e1, s1 e2, s2 e2
            server.then(Step.reply(FRESH), Step.reply("```python\nprint(42)\n```"), Step.reply(FRESH), Step.reply("no code today"));
            CommandRunner.Result first = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(), "--backend", "docker",
                    "--concurrency", "1", "--limit", "2", "--epochs", "2", "--out", run.toString());
            assertEquals(0, first.exitCode(), first.out() + first.err());
            assertTrue(first.out().contains("2 epochs:  pass@1 75.0  pass^1 75.0  pass@2 100.0  pass^2 50.0"), first.out());
            assertTrue(first.out().contains("epochs/pass@k/1"), "the console shows the intervals: " + first.out());
            List<JsonNode> rows = RunDirectory.readResults(run);
            assertEquals(List.of("s1/1", "s2/1", "s1/2", "s2/2"), rows.stream().map(r -> r.path("task_id").asText() + "/" + r.path("epoch").asInt()).toList());
            assertEquals(List.of(true, true, true, false), rows.stream().map(r -> r.path("passed").asBoolean()).toList(),
                    "s1's second attempt found no mark: a fresh sandbox");

            server.then(Step.reply(FRESH), Step.reply("```python\nprint(42)\n```"));
            CommandRunner.Result more = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(), "--backend", "docker",
                    "--concurrency", "1", "--limit", "2", "--epochs", "3", "--resume", "--out", run.toString());
            assertEquals(0, more.exitCode(), more.out() + more.err());
            assertTrue(more.err().contains("4 attempt(s) done, 2 to go (2 tasks x 3 epochs)"), more.err());
            assertEquals(6, server.received().size(), "the third epoch asked the model twice, nothing more");
        }
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals(3, metrics.path("epochs").path("count").asInt());
        // s1 3 of 3, s2 2 of 3: pass@1 (1 + 2/3) / 2; pass^3 (1 + 0) / 2; pass^2: s2 C(2,2)/C(3,2) = 1/3 -> (1 + 1/3) / 2
        assertEquals(100 * (1 + 2.0 / 3) / 2, metrics.path("epochs").path("pass@k").path("1").asDouble(), 1e-9);
        assertEquals(100 * (1 + 1.0 / 3) / 2, metrics.path("epochs").path("pass^k").path("2").asDouble(), 1e-9);
        assertEquals(50.0, metrics.path("epochs").path("pass^k").path("3").asDouble(), 1e-9);
        JsonNode interval = metrics.path("uncertainty").path("metrics").path("/epochs/pass@k/1");
        assertEquals(2, interval.path("tasks").asInt());
        assertEquals(0L + 14, metrics.path("uncertainty").path("bootstrap").path("seed").asLong());
        RunRecordSchemaTest.assertValidRun(run);
        // each attempt's events are told apart: the first's carry no epoch, the later ones theirs
        Trajectories events = Trajectories.read(run.resolve("trajectories.jsonl"));
        assertEquals(Set.of("s1", "s2"), events.byTask().keySet());
        assertEquals(Set.of(2, 3), events.laterEpochs().get("s1").keySet());
        assertTrue(events.attempt("s2", 2).orElseThrow().messages().stream().anyMatch(m -> m.content().contains("no code today")),
                "s2's second attempt is its own conversation");
        assertTrue(events.attempt("s2", 1).orElseThrow().messages().stream().noneMatch(m -> m.content().contains("no code today")),
                "and not the first's");
    }

    @Test
    void twoEpochsOfOneTaskNeverRunAtOnce(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            // one task, three epochs, three workers: without the runner's rule the three attempts would ask at once
            server.otherwise(Step.reply("```python\nprint(3)\n```").after(Duration.ofMillis(400)));
            CommandRunner.Result result = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(), "--backend", "docker",
                    "--concurrency", "3", "--limit", "1", "--epochs", "3", "--out", dir.resolve("run").toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            assertEquals(3, server.received().size());
            assertEquals(1, server.maxInFlight(), "the task's attempts ran one after another");
        }
    }
}
