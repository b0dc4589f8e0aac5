package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `evalbox replay` of a run made with --epochs: every (task, epoch) is replayed, each row with its epoch, so that the
 * replay's pass@k and pass^k are the run's. The run is a real one of the test benchmark (Sums, graded in Docker), whose
 * epochs differ on purpose, so that a replay of epoch 1 alone could not give the same numbers.
 */
@Tag("docker")
@ExtendWith(SumsRegistered.class)
class ReplayEpochsTest {
    @BeforeAll
    static void dockerRequired() {
        DockerRequired.check();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Step answer(String code) { return Step.reply("Here:\n```python\n" + code + "\n```"); }

    /** (epoch, task) to passed, as the rows of a run say. */
    private static Map<String, Boolean> verdicts(Path run) {
        Map<String, Boolean> byAttempt = new TreeMap<>();
        for (JsonNode row : RunDirectory.readResults(run)) {
            byAttempt.put(row.path("epoch").asInt(0) + "/" + row.path("task_id").asText(), row.path("passed").asBoolean());
        }
        return byAttempt;
    }

    @Test
    void aReplayOfAThreeEpochRunReplaysEveryAttemptAndGivesTheSamePassAtK(@TempDir Path dir) throws Exception {
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            // one worker, epoch by epoch, s1 then s2: s1 passes, passes, fails; s2 fails, passes, fails
            server.then(answer("print(1 + 2)"), answer("print(20 * 2)"),
                    answer("print(3)"), answer("print(42)"),
                    answer("print(0)"), answer("print(41)"));
            CommandRunner.Result result = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(),
                    "--backend", "docker", "--concurrency", "1", "--limit", "2", "--epochs", "3", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
        }
        Map<String, Boolean> original = verdicts(run);
        assertEquals(Map.of("1/s1", true, "1/s2", false, "2/s1", true, "2/s2", true, "3/s1", false, "3/s2", false), original,
                "the run the replay starts from");
        JsonNode runMetrics = JSON.readTree(run.resolve("metrics.json").toFile());
        // by hand: s1 has c = 2 of n = 3, s2 c = 1; pass@2 = mean(1 - C(1,2)/C(3,2), 1 - C(2,2)/C(3,2)) = mean(1, 2/3)
        assertEquals(100 * (1 + 2.0 / 3) / 2, runMetrics.path("epochs").path("pass@k").path("2").asDouble(), 1e-9);

        Path replay = dir.resolve("replay");
        CommandRunner.Result replayed = CommandRunner.run("replay", run.toString(), "--out", replay.toString());
        assertEquals(0, replayed.exitCode(), replayed.out() + replayed.err());
        assertEquals(original, verdicts(replay), "every (task, epoch) replayed with its own recorded verdict");
        for (JsonNode row : RunDirectory.readResults(replay)) {
            String expected = switch (row.path("epoch").asInt() + "/" + row.path("task_id").asText()) {
                case "1/s1" -> "print(1 + 2)";
                case "2/s2" -> "print(42)";
                case "3/s2" -> "print(41)";
                default -> null;
            };
            if (expected != null) assertTrue(row.path("final_answer").asText().contains(expected), "each epoch's own conversation: " + row);
        }
        JsonNode replayMetrics = JSON.readTree(replay.resolve("metrics.json").toFile());
        assertEquals(runMetrics.path("epochs"), replayMetrics.path("epochs"), "pass@k and pass^k as the run's");
        for (String pointer : new String[] {"/epochs/pass@k/2", "/epochs/pass^k/3"}) {
            assertEquals(runMetrics.path("uncertainty").path("metrics").path(pointer), replayMetrics.path("uncertainty").path("metrics").path(pointer),
                    "the interval of " + pointer + " as the run's");
        }

        // the replay records its attempts by epoch too, so that a replay of the replay is the same again
        Path again = dir.resolve("replay-of-replay");
        CommandRunner.Result twice = CommandRunner.run("replay", replay.toString(), "--out", again.toString());
        assertEquals(0, twice.exitCode(), twice.out() + twice.err());
        assertEquals(original, verdicts(again));

        // --tasks keeps every epoch of the tasks named; --epochs cannot shrink what the run recorded
        Path one = dir.resolve("replay-s2");
        CommandRunner.Result onlyS2 = CommandRunner.run("replay", run.toString(), "--tasks", "s2", "--epochs", "2", "--out", one.toString());
        assertEquals(0, onlyS2.exitCode(), onlyS2.out() + onlyS2.err());
        assertEquals(Map.of("1/s2", false, "2/s2", true, "3/s2", false), verdicts(one));
        assertTrue(onlyS2.err().contains("--epochs 2 is left aside"), onlyS2.err());
    }
}
