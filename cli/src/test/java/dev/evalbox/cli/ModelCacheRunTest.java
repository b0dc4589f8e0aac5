package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `--cache` end to end: the single-file benchmark of {@link SingleFileBenchmarkTest} run against a real chat
 * server on loopback that counts the requests it gets, its answers' code run in the local backend. A finished run
 * re-run with --cache into a new directory makes no request and gives the same results; changing only the timeout
 * or concurrency still makes none; changing the sampling asks again; `evalbox cache` lists and clears the store.
 */
@ExtendWith(SumsRegistered.class)
class ModelCacheRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static CommandRunner.Result run(ScriptedChatServer server, Path cache, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("run", "sums", "--model", "m", "--base-url", server.baseUrl(), "--backend", "local",
                "--cache-dir", cache.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        CommandRunner.Result result = CommandRunner.run(args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.out() + result.err());
        return result;
    }

    /** Each task's verdict and reason, in task order. */
    private static List<String> verdicts(Path run) {
        return RunDirectory.readResults(run).stream()
                .map(r -> r.path("task_id").asText() + " " + r.path("passed").asBoolean() + " " + r.path("reason").asText()).sorted().toList();
    }

    private static List<JsonNode> modelResponses(Path run) throws Exception {
        List<JsonNode> responses = new ArrayList<>();
        for (String line : Files.readAllLines(run.resolve("trajectories.jsonl"))) {
            JsonNode event = JSON.readTree(line);
            if ("model_response".equals(event.path("type").asText())) responses.add(event);
        }
        return responses;
    }

    @Test
    void aFinishedRunRerunWithTheCacheMakesNoRequestAndGivesTheSameResults(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.otherwise(Step.reply("Here:\n```python\nprint(3)\n```"));
            Path first = dir.resolve("first");
            run(server, cache, first, "--cache");
            assertEquals(4, server.received().size(), "one call per task");
            JsonNode firstRecord = RunRecordSchemaTest.assertValidRun(first);
            assertEquals(4, firstRecord.path("usage").path("model").path("paid").path("calls").asInt());
            assertEquals(44, firstRecord.path("usage").path("model").path("paid").path("prompt_tokens").asInt(), "11 per call, as the server said");
            assertEquals(0, firstRecord.path("usage").path("model").path("cached").path("calls").asInt());
            assertEquals(604800, firstRecord.path("cache").path("ttl_s").asLong(), "--cache alone keeps answers a week");

            Path again = dir.resolve("again");
            CommandRunner.Result rerun = run(server, cache, again, "--cache=2d");
            assertEquals(4, server.received().size(), "the re-run made no HTTP request at all");
            assertEquals(verdicts(first), verdicts(again), "and gave the same results");
            assertTrue(rerun.out().contains("Sums pass rate: 25.0% (1 of 4)"), rerun.out());
            assertTrue(rerun.out().contains("model-call cache: model 4 of 4 call(s) answered from the cache (72 tokens not paid again)"), rerun.out());
            JsonNode record = RunRecordSchemaTest.assertValidRun(again);
            assertEquals(0, record.path("usage").path("model").path("paid").path("calls").asInt(), "nothing paid");
            assertEquals(4, record.path("usage").path("model").path("cached").path("calls").asInt());
            assertEquals(28, record.path("usage").path("model").path("cached").path("completion_tokens").asInt(), "cached tokens counted apart");
            List<JsonNode> responses = modelResponses(again);
            assertEquals(4, responses.size());
            assertTrue(responses.stream().allMatch(r -> r.path("cached").asBoolean() && r.path("attempts").asInt() == 0), responses.toString());
            assertTrue(modelResponses(first).stream().noneMatch(r -> r.has("cached")), "paid answers carry no cached mark");

            run(server, cache, dir.resolve("tuned"), "--cache", "--model-timeout", "77", "--model-concurrency", "3", "--max-attempts", "2",
                    "--concurrency", "2");
            assertEquals(4, server.received().size(), "the timeout, retries and concurrency are not part of the key");

            run(server, cache, dir.resolve("warmer"), "--cache", "--temperature", "0.3");
            assertEquals(8, server.received().size(), "another temperature asks again, for every task");
            assertEquals(0.3, server.received().get(7).body().path("temperature").asDouble());

            run(server, cache, dir.resolve("uncached"));
            assertEquals(12, server.received().size(), "without --cache every call goes to the server");
            assertEquals("null", RunRecordSchemaTest.assertValidRun(dir.resolve("uncached")).path("cache").toString());
        }

        CommandRunner.Result list = CommandRunner.run("cache", "list", "--cache-dir", cache.toString());
        assertEquals(0, list.exitCode(), list.err());
        assertTrue(list.out().contains("8 answer(s), 8 live, 0 expired"), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("m ") && l.contains("/v1/chat/completions")), list.out());
        CommandRunner.Result other = CommandRunner.run("cache", "clear", "--model", "other", "--cache-dir", cache.toString());
        assertTrue(other.out().startsWith("cleared 0 answer(s) of other"), other.out());
        CommandRunner.Result prune = CommandRunner.run("cache", "prune", "--cache-dir", cache.toString());
        assertTrue(prune.out().startsWith("pruned 0 expired answer(s)"), prune.out());
        CommandRunner.Result clear = CommandRunner.run("cache", "clear", "--model", "m", "--cache-dir", cache.toString());
        assertTrue(clear.out().startsWith("cleared 8 answer(s) of m"), clear.out());
        assertTrue(CommandRunner.run("cache", "list", "--cache-dir", cache.toString()).out().contains("no cached answers"));
    }

    @Test
    void aDurationThatIsNotOneIsRefusedWithHowToGiveIt(@TempDir Path dir) {
        CommandRunner.Result result = CommandRunner.run("run", "sums", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--backend", "local",
                "--cache", "soon", "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("run").toString());
        assertTrue(result.exitCode() != 0, result.out());
        assertTrue(result.err().contains("--cache: \"soon\" is not a duration (like 30m, 12h, 7d or 2w); give it with = (--cache=7d)"), result.err());
    }
}
