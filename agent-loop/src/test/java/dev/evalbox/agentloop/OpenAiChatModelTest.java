package dev.evalbox.agentloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible client against a real HTTP server on loopback. */
class OpenAiChatModelTest {
    private static final String KEY = "sk-test-secret-123";
    private ScriptedChatServer server;

    @BeforeEach
    void start() throws Exception { server = new ScriptedChatServer(); }

    @AfterEach
    void stop() { server.close(); }

    private OpenAiChatModel.Builder model() {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl()).apiKey(KEY).model("test-model")
                .timeout(Duration.ofSeconds(5)).backoff(Duration.ofMillis(5), Duration.ofMillis(50)).maxAttempts(4);
    }

    private static ChatRequest hello() { return new ChatRequest(List.of(ChatMessage.user("hello")), SamplingParams.DEFAULT); }

    @Test
    void sendsMessagesImagesAndSamplingParamsAndReadsUsage() {
        server.then(ScriptedChatServer.Step.reply("hi there"));
        SamplingParams params = SamplingParams.DEFAULT.withTemperature(0.8).withTopP(0.95).withMaxTokens(64)
                .withStop(List.of("Observation:")).withN(1).withSeed(7L);
        ChatCompletion completion = model().build().complete(new ChatRequest(List.of(ChatMessage.system("be brief"),
                ChatMessage.user("what is this?").withImage("data:image/png;base64,iVBORw0KGgo=")), params));
        assertEquals("hi there", completion.text());
        assertEquals(11, completion.usage().promptTokens());
        assertEquals(7, completion.usage().completionTokens());
        assertEquals(1, completion.attempts());
        JsonNode body = server.received().get(0).body();
        assertEquals("test-model", body.path("model").asText());
        assertEquals(0.8, body.path("temperature").asDouble());
        assertEquals(0.95, body.path("top_p").asDouble());
        assertEquals(64, body.path("max_tokens").asInt());
        assertEquals("Observation:", body.path("stop").get(0).asText());
        assertEquals(7, body.path("seed").asLong());
        assertEquals("be brief", body.path("messages").get(0).path("content").asText());
        JsonNode parts = body.path("messages").get(1).path("content");
        assertEquals("text", parts.get(0).path("type").asText());
        assertEquals("data:image/png;base64,iVBORw0KGgo=", parts.get(1).path("image_url").path("url").asText());
        assertEquals(List.of("Bearer " + KEY), server.received().get(0).headers().get("Authorization"));
    }

    @Test
    void honoursRetryAfterOn429() {
        server.then(ScriptedChatServer.Step.status(429, Map.of("Retry-After", "1")), ScriptedChatServer.Step.reply("ok"));
        ChatCompletion completion = model().backoff(Duration.ofMillis(5), Duration.ofSeconds(5)).build().complete(hello());
        assertEquals("ok", completion.text());
        assertEquals(2, completion.attempts());
        List<ScriptedChatServer.Received> got = server.received();
        assertTrue(got.get(1).nanoTime() - got.get(0).nanoTime() >= 900_000_000L, "waited for Retry-After before retrying");
    }

    @Test
    void retriesServerErrorsAndStallsThenSucceeds() {
        server.then(ScriptedChatServer.Step.status(500, Map.of()), ScriptedChatServer.Step.status(503, Map.of()),
                ScriptedChatServer.Step.reply("late").after(Duration.ofSeconds(3)), ScriptedChatServer.Step.reply("finally"));
        ChatCompletion completion = model().timeout(Duration.ofSeconds(1)).build().complete(hello());
        assertEquals("finally", completion.text());
        assertEquals(4, completion.attempts());
    }

    @Test
    void givesUpAfterTheLastAttemptWithTheCause() {
        ModelException e = assertThrows(ModelException.class, () -> model().maxAttempts(3).build().complete(hello()));
        assertEquals(ModelException.Kind.HTTP_STATUS, e.kind());
        assertEquals(3, server.received().size());
        assertTrue(e.getMessage().contains("HTTP 500") && e.getMessage().contains("gave up after 3 attempts"), e.getMessage());
        assertFalse(e.getMessage().contains(KEY));
    }

    @Test
    void clientErrorsAreNotRetried() {
        server.then(ScriptedChatServer.Step.status(400, Map.of()));
        ModelException e = assertThrows(ModelException.class, () -> model().build().complete(hello()));
        assertEquals(ModelException.Kind.HTTP_STATUS, e.kind());
        assertEquals(1, server.received().size());
    }

    @Test
    void malformedAndEmptyAnswersAreModelErrors() {
        server.then(ScriptedChatServer.Step.raw("{\"choices\": [ {\"mess"), ScriptedChatServer.Step.raw("{\"choices\": []}"),
                ScriptedChatServer.Step.raw("{\"object\": \"error\"}"));
        OpenAiChatModel model = model().build();
        assertEquals(ModelException.Kind.MALFORMED_RESPONSE, assertThrows(ModelException.class, () -> model.complete(hello())).kind());
        assertEquals(ModelException.Kind.EMPTY_RESPONSE, assertThrows(ModelException.class, () -> model.complete(hello())).kind());
        assertEquals(ModelException.Kind.MALFORMED_RESPONSE, assertThrows(ModelException.class, () -> model.complete(hello())).kind());
    }

    @Test
    void aTwoMegabyteReplyArrivesWhole() {
        String big = "x".repeat(2 * 1024 * 1024);
        server.then(ScriptedChatServer.Step.reply(big));
        assertEquals(big.length(), model().build().complete(hello()).text().length());
    }

    @Test
    void concurrencyPerModelIsBounded() throws Exception {
        server.otherwise(ScriptedChatServer.Step.reply("ok").after(Duration.ofMillis(200)));
        OpenAiChatModel model = model().maxConcurrency(2).build();
        ExecutorService callers = Executors.newFixedThreadPool(6);
        List<Future<ChatCompletion>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) calls.add(callers.submit(() -> model.complete(hello())));
        for (Future<ChatCompletion> call : calls) assertEquals("ok", call.get().text());
        callers.shutdown();
        assertEquals(2, server.maxInFlight());
    }

    @Test
    void theKeyNeverShowsInNamesOrErrors() {
        OpenAiChatModel model = model().maxAttempts(1).build();
        assertFalse(model.toString().contains(KEY));
        assertFalse(model.name().contains(KEY));
        server.close();
        ModelException e = assertThrows(ModelException.class, () -> model.complete(hello()));
        assertEquals(ModelException.Kind.CONNECTION, e.kind());
        assertFalse(e.getMessage().contains(KEY));
    }
}
