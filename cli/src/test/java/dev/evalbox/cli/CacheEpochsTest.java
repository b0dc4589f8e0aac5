package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promise that a cached run given more epochs later "pays only for the new epochs": a 1-epoch run with
 * --cache, then the same run with --cache --epochs 3 into a new directory, asks the server for epochs 2 and 3 only,
 * and its epoch 1 is the first run's. The test benchmark (Sums) on the local backend, a scripted server on loopback.
 */
@ExtendWith(SumsRegistered.class)
class CacheEpochsTest {

    private static void run(ScriptedChatServer server, Path cache, Path out, String epochs) {
        CommandRunner.Result result = CommandRunner.run("run", "sums", "--model", "m", "--base-url", server.baseUrl(), "--backend", "local",
                "--cache", "--cache-dir", cache.toString(), "--epochs", epochs, "--out", out.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
    }

    private static List<String> epochOne(Path run) {
        return RunDirectory.readResults(run).stream().filter(r -> r.path("epoch").asInt() == 1)
                .map(r -> r.path("task_id").asText() + " " + r.path("passed").asBoolean() + " " + r.path("reason").asText()).sorted().toList();
    }

    @Test
    void moreEpochsLaterPayOnlyForTheNewEpochs(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.otherwise(Step.reply("Here:\n```python\nprint(3)\n```"));
            run(server, cache, dir.resolve("one"), "1");
            assertEquals(4, server.received().size(), "one call per task");
            run(server, cache, dir.resolve("three"), "3");
            assertEquals(4 + 8, server.received().size(), "epochs 2 and 3 asked, epoch 1 answered from the cache");
        }
        assertEquals(epochOne(dir.resolve("one")), epochOne(dir.resolve("three")));
        assertEquals(12, RunDirectory.readResults(dir.resolve("three")).size());
        JsonNode usage = RunRecordSchemaTest.assertValidRun(dir.resolve("three")).path("usage").path("model");
        assertEquals(4, usage.path("cached").path("calls").asInt());
        assertEquals(8, usage.path("paid").path("calls").asInt());
    }
}
