package dev.evalbox.agentloop.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.trajectory.RecordedChatModel;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model-call cache in front of a real HTTP server on loopback that counts the requests it gets. */
class ModelCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PNG_A = "data:image/png;base64,iVBORw0KGgoA";
    private static final String PNG_B = "data:image/png;base64,iVBORw0KGgoB";

    private ScriptedChatServer server;
    @TempDir Path dir;
    private ModelCache cache;

    @BeforeEach
    void start() throws Exception {
        server = new ScriptedChatServer().otherwise(Step.reply("an answer"));
        cache = ModelCache.open(dir.resolve("cache"));
    }

    @AfterEach
    void stop() { server.close(); }

    private OpenAiChatModel.Builder client() {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey("sk-secret").model("m")
                .timeout(Duration.ofSeconds(30)).maxConcurrency(2).maxAttempts(2).backoff(Duration.ofMillis(5), Duration.ofMillis(20));
    }

    private ChatModel cached(OpenAiChatModel.Builder builder) { return new CachedChatModel(builder.build(), cache, ModelCache.DEFAULT_TTL); }

    private static final SamplingParams SAMPLING = new SamplingParams(0.5, 0.9, 100, List.of("STOP"), 1, 7L);

    private static ChatRequest request(UnaryOperator<List<ChatMessage>> messages, SamplingParams sampling) {
        List<ChatMessage> base = new ArrayList<>(List.of(ChatMessage.system("be brief"), ChatMessage.user("what is this?").withImage(PNG_A),
                ChatMessage.assistant("a chart"), ChatMessage.user("of what?")));
        return new ChatRequest(messages.apply(base), sampling);
    }

    private static ChatRequest original() { return request(m -> m, SAMPLING); }

    private static UnaryOperator<List<ChatMessage>> replace(int index, ChatMessage message) {
        return m -> {
            m.set(index, message);
            return m;
        };
    }

    /** Calls {@code model} with {@code request} as a new attempt of its epoch and says whether the server was asked (a miss). */
    private boolean misses(ChatModel model, ChatRequest request) {
        int before = server.received().size();
        ChatModel attempt = model instanceof CachedChatModel c ? c.forEpoch(c.epoch()) : model;
        ChatCompletion completion = attempt.complete(request);
        boolean asked = server.received().size() > before;
        assertEquals(!asked, completion.cached(), "an answer is marked cached exactly when no request was made");
        return asked;
    }

    @Test
    void aRepeatedCallIsAnsweredFromTheStoreWithTheOriginalAnswerAndUsage() {
        ChatCompletion first = cached(client()).complete(original());
        ChatCompletion again = cached(client()).complete(original());
        assertEquals(1, server.received().size(), "the second call (another run) made no request");
        assertFalse(first.cached());
        assertTrue(again.cached());
        assertEquals(first.choices(), again.choices());
        assertEquals(first.finishReason(), again.finishReason());
        assertEquals(first.usage(), again.usage(), "the usage of the call that paid, to be counted apart as cached");
        assertEquals(0, again.attempts(), "no HTTP attempt");
    }

    @Test
    void changingAnySamplingParameterMessageOrImageMisses() {
        ChatModel model = cached(client());
        assertTrue(misses(model, original()));
        assertFalse(misses(model, original()));
        Map<String, ChatRequest> variants = new java.util.LinkedHashMap<>();
        variants.put("temperature", request(m -> m, SAMPLING.withTemperature(0.6)));
        variants.put("temperature unset", request(m -> m, SAMPLING.withTemperature(null)));
        variants.put("top_p", request(m -> m, SAMPLING.withTopP(0.95)));
        variants.put("max_tokens", request(m -> m, SAMPLING.withMaxTokens(101)));
        variants.put("stop", request(m -> m, SAMPLING.withStop(List.of("STOP", "END"))));
        variants.put("n", request(m -> m, SAMPLING.withN(2)));
        variants.put("seed", request(m -> m, SAMPLING.withSeed(8L)));
        variants.put("system message", request(replace(0, ChatMessage.system("be brief!")), SAMPLING));
        variants.put("user text beside the image", request(replace(1, ChatMessage.user("what is that?").withImage(PNG_A)), SAMPLING));
        variants.put("image", request(replace(1, ChatMessage.user("what is this?").withImage(PNG_B)), SAMPLING));
        variants.put("a second image", request(replace(1, ChatMessage.user("what is this?").withImage(PNG_A).withImage(PNG_B)), SAMPLING));
        variants.put("image dropped", request(replace(1, ChatMessage.user("what is this?")), SAMPLING));
        variants.put("an earlier assistant turn", request(replace(2, ChatMessage.assistant("a plot")), SAMPLING));
        variants.put("last message", request(replace(3, ChatMessage.user("of what? ")), SAMPLING));
        variants.put("role", request(replace(3, new ChatMessage("system", "of what?", List.of())), SAMPLING));
        variants.put("a message more", request(m -> {
            m.add(ChatMessage.user("please"));
            return m;
        }, SAMPLING));
        variants.put("a message fewer", request(m -> m.subList(0, 3), SAMPLING));
        for (var variant : variants.entrySet()) {
            assertTrue(misses(model, variant.getValue()), "changing the " + variant.getKey() + " must miss");
            assertFalse(misses(model, variant.getValue()), "and the changed request is then stored in its own right: " + variant.getKey());
        }
        assertFalse(misses(model, original()), "the original is still stored");
        assertEquals(1 + variants.size(), server.received().size());
    }

    @Test
    void theModelTheServerTheEndpointAndTheEpochArePartOfTheKey() throws Exception {
        assertTrue(misses(cached(client()), original()));
        assertTrue(misses(cached(client().model("m2")), original()), "another model");
        assertTrue(misses(cached(client().completions(true)), original()), "the completions endpoint");
        ChatModel epoch2 = cached(client()).forEpoch(2);
        assertTrue(misses(epoch2, original()), "two epochs do not share an answer");
        assertFalse(misses(epoch2, original()));
        assertFalse(misses(cached(client()).forEpoch(1), original()), "epoch 1 is the default");
        try (ScriptedChatServer other = new ScriptedChatServer().otherwise(Step.reply("another server's answer"))) {
            ChatModel elsewhere = new CachedChatModel(client().baseUrl(other.baseUrl()).build(), cache, ModelCache.DEFAULT_TTL);
            ChatCompletion answer = elsewhere.complete(original());
            assertFalse(answer.cached(), "another base URL");
            assertEquals(1, other.received().size());
        }
    }

    @Test
    void identicalCallsWithinOneAttemptAreSeparateSamplesAndARerunGetsThemBackInOrder() {
        server.then(Step.reply("sample one"), Step.reply("sample two"), Step.reply("sample three"));
        CachedChatModel model = new CachedChatModel(client().build(), cache, ModelCache.DEFAULT_TTL);
        ChatModel attempt = model.forEpoch(1);
        List<String> first = List.of(attempt.complete(original()).text(), attempt.complete(original()).text(), attempt.complete(original()).text());
        assertEquals(List.of("sample one", "sample two", "sample three"), first, "each identical call of an attempt asks the server");
        ChatModel rerun = model.forEpoch(1);
        List<ChatCompletion> again = List.of(rerun.complete(original()), rerun.complete(original()), rerun.complete(original()));
        assertEquals(first, again.stream().map(ChatCompletion::text).toList(), "the re-run gets the samples in the same order");
        assertTrue(again.stream().allMatch(ChatCompletion::cached));
        assertEquals(3, server.received().size());
        assertTrue(misses(model, original()) == false && !rerun.complete(original()).text().isEmpty() && server.received().size() == 4,
                "a fourth identical call of the re-run is a new sample");
    }

    @Test
    void changingOnlyTheTimeoutConcurrencyRetriesOrKeyHits() {
        assertTrue(misses(cached(client()), original()));
        assertFalse(misses(cached(client().timeout(Duration.ofSeconds(999))), original()), "timeout");
        assertFalse(misses(cached(client().maxConcurrency(17)), original()), "concurrency");
        assertFalse(misses(cached(client().maxAttempts(9).backoff(Duration.ofSeconds(2), Duration.ofSeconds(9))), original()), "retries");
        assertFalse(misses(cached(client().connectTimeout(Duration.ofSeconds(1))), original()), "connect timeout");
        assertFalse(misses(cached(client().apiKey("sk-another")), original()), "API key");
        assertEquals(1, server.received().size());
    }

    @Test
    void errorsRefusalsAndTruncatedAnswersAreNotStored() {
        ChatModel model = cached(client());
        server.then(Step.status(400, Map.of()));
        assertThrows(ModelException.class, () -> model.complete(original()));
        server.then(Step.raw(completion("cut her", "length")), Step.raw(completion("", "stop")),
                Step.raw("{\"choices\": [{\"index\": 0, \"finish_reason\": \"stop\", \"message\": {\"role\": \"assistant\", \"content\": null,"
                        + " \"refusal\": \"I can't help with that.\"}}]}"),
                Step.raw(completion("withheld", "content_filter")));
        for (int i = 0; i < 4; i++) {
            assertTrue(misses(model, original()), "answer " + (i + 1) + " of the script is asked again");
        }
        assertTrue(misses(model, original()), "the first good answer is the one stored");
        assertFalse(misses(model, original()));
        assertEquals(1, cache.entries(m -> true).size());
    }

    private static String completion(String content, String finish) {
        var root = JSON.createObjectNode();
        var choice = root.putArray("choices").addObject().put("index", 0).put("finish_reason", finish);
        choice.putObject("message").put("role", "assistant").put("content", content);
        root.putObject("usage").put("prompt_tokens", 5).put("completion_tokens", 3);
        return root.toString();
    }

    /** A clock the test moves. */
    private static final class ManualClock extends Clock {
        private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration d) { now = now.plus(d); }

        @Override public Instant instant() { return now; }
        @Override public java.time.ZoneId getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    }

    @Test
    void entriesExpireAndAShorterDurationAcceptsOnlyYoungerAnswers() {
        ManualClock clock = new ManualClock();
        ModelCache timed = ModelCache.open(dir.resolve("timed"), clock);
        OpenAiChatModel client = client().build();
        ChatModel hour = new CachedChatModel(client, timed, Duration.ofHours(1));
        assertTrue(misses(hour, original()));
        clock.advance(Duration.ofMinutes(45));
        assertFalse(misses(hour, original()));
        assertTrue(misses(new CachedChatModel(client, timed, Duration.ofMinutes(30)), original()), "older than the reader's 30 minutes");
        clock.advance(Duration.ofMinutes(16));
        assertFalse(misses(hour, original()), "the answer stored 16 minutes ago (by the 30-minute reader) is live");
        clock.advance(Duration.ofMinutes(61));
        assertTrue(misses(new CachedChatModel(client, timed, Duration.ofDays(30)), original()),
                "past the expiry it was stored with, even for a reader that accepts older answers");
    }

    @Test
    void pruneRemovesExpiredEntriesAndKilledWritersLeftoversAndClearRemovesAModelsEntries() throws Exception {
        ManualClock clock = new ManualClock();
        ModelCache timed = ModelCache.open(dir.resolve("timed"), clock);
        new CachedChatModel(client().build(), timed, Duration.ofHours(1)).complete(original());
        new CachedChatModel(client().model("m2").build(), timed, Duration.ofDays(7)).complete(original());
        new CachedChatModel(client().model("m3").build(), timed, Duration.ofDays(7)).complete(original());
        Path shard = Files.list(timed.dir().resolve("entries")).findFirst().orElseThrow();
        Path leftover = Files.writeString(shard.resolve("." + "0".repeat(64) + ".123.tmp"), "{\"format\": 1, \"key\": \"0");
        Path fresh = Files.writeString(shard.resolve("." + "1".repeat(64) + ".456.tmp"), "{");
        clock.advance(Duration.ofHours(2));
        Files.setLastModifiedTime(leftover, FileTime.from(clock.instant().minus(Duration.ofHours(3))));
        Files.setLastModifiedTime(fresh, FileTime.from(clock.instant().minus(Duration.ofMinutes(1))));
        assertEquals(3, timed.entries(m -> true).size(), "list shows expired entries too, and no temporary file");

        ModelCache.Removed pruned = timed.prune(m -> true);
        assertEquals(1, pruned.entries(), "the expired entry of m");
        assertEquals(1, pruned.leftovers(), "the old temporary file; a fresh one may belong to a write in progress");
        assertTrue(Files.exists(fresh));
        assertEquals(List.of("m2", "m3"), timed.entries(m -> true).stream().map(CacheEntry::model).sorted().toList());

        ModelCache.Removed cleared = timed.clear("m2"::equals);
        assertEquals(1, cleared.entries());
        assertEquals(List.of("m3"), timed.entries(m -> true).stream().map(CacheEntry::model).toList());
        assertEquals(1, timed.clear(m -> true).entries());
        assertTrue(timed.entries(m -> true).isEmpty());
    }

    @Test
    void twoStoresOnOneFolderShareAnswersAndConcurrentWritersNeverTearAnEntry() throws Exception {
        ModelCache other = ModelCache.open(dir.resolve("cache"));
        cached(client()).complete(original());
        assertFalse(misses(new CachedChatModel(client().build(), other, ModelCache.DEFAULT_TTL), original()),
                "a second store on the same folder (another run) sees the answer");

        CacheKey key = CacheKey.of("http://127.0.0.1:1/v1/chat/completions", 1, "{}".getBytes());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int w = 0; w < 4; w++) {
                ModelCache store = w % 2 == 0 ? cache : other;
                String text = Character.toString('a' + w).repeat(200_000);
                work.add(pool.submit(() -> {
                    for (int i = 0; i < 25; i++) {
                        Instant now = Instant.now();
                        store.put(new CacheEntry(key, "m", "e", 1, now, now.plus(Duration.ofDays(1)), List.of(text), "stop",
                                new dev.evalbox.agentloop.model.Usage(1, 1), 1));
                        CacheEntry read = store.get(key, Duration.ofDays(1)).orElseThrow(() -> new AssertionError("an entry vanished"));
                        String got = read.choices().get(0);
                        if (got.length() != 200_000 || !got.chars().allMatch(c -> c == got.charAt(0))) throw new AssertionError("a torn entry");
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) f.get();
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.walk(cache.dir())) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".tmp")).count(), "writers that finish leave no temporary file");
        }
    }

    @Test
    void aCachedAnswerIsMarkedInTheTrajectory() throws Exception {
        Path file = dir.resolve("trajectories.jsonl");
        try (TrajectoryWriter writer = new TrajectoryWriter(file)) {
            ChatModel model = cached(client());
            new RecordedChatModel(model, "t", writer).forEpoch(1).complete(original());
            new RecordedChatModel(model, "t", writer).forEpoch(1).complete(original()); // a second attempt of epoch 1: a re-run
        }
        List<TrajectoryEvent.ModelResponse> responses = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            TrajectoryEvent event = TrajectoryEvent.fromJson(JSON.readTree(line));
            if (event instanceof TrajectoryEvent.ModelResponse r) responses.add(r);
            if (line.contains("\"model_response\"")) assertEquals(responses.size() == 2, line.contains("\"cached\":true"), line);
        }
        assertEquals(List.of(false, true), responses.stream().map(TrajectoryEvent.ModelResponse::cached).toList());
        TrajectoryEvent.JudgeCall judged = new TrajectoryEvent.JudgeCall("t", Instant.now(), "j", "p", List.of(), "r",
                new dev.evalbox.agentloop.model.Usage(3, 4), 0, 0, null, true);
        assertTrue(((TrajectoryEvent.JudgeCall) TrajectoryEvent.fromJson(judged.toJson())).cached());
    }

    @Test
    void keysAreDistinctForEveryPart() {
        byte[] body = "{\"model\":\"m\"}".getBytes();
        CacheKey key = CacheKey.of("http://h/v1/chat/completions", 1, body);
        assertEquals(key, CacheKey.of("http://h/v1/chat/completions", 1, body.clone()));
        assertNotEquals(key, CacheKey.of("http://h/v1/chat/completions", 2, body));
        assertNotEquals(key, CacheKey.of("http://h/v1/completions", 1, body));
        assertNotEquals(key, CacheKey.of("http://h/v1/chat/completions", 1, "{\"model\":\"n\"}".getBytes()));
        assertThrows(IllegalArgumentException.class, () -> CacheKey.of("http://h", 0, body));
    }
}
