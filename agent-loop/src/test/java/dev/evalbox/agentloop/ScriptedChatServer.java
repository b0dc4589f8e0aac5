package dev.evalbox.agentloop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server on loopback that speaks the chat-completions API with scripted answers:
 * replies, HTTP errors with headers, stalls, malformed bodies. Requests are recorded for assertions.
 */
public final class ScriptedChatServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the server does for one request. */
    public record Step(int status, Map<String, String> headers, String body, Duration stall) {
        public static Step reply(String content) { return new Step(200, Map.of(), completion(content), Duration.ZERO); }
        public static Step status(int code, Map<String, String> headers) {
            return new Step(code, headers, "{\"error\": {\"message\": \"scripted " + code + "\"}}", Duration.ZERO);
        }
        public static Step raw(String body) { return new Step(200, Map.of(), body, Duration.ZERO); }
        public Step after(Duration delay) { return new Step(status, headers, body, delay); }
    }

    /** A request the server received, with the time it arrived. */
    public record Received(JsonNode body, Map<String, List<String>> headers, long nanoTime) { }

    private final HttpServer server;
    private final ConcurrentLinkedDeque<Step> script = new ConcurrentLinkedDeque<>();
    private final List<Received> received = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private volatile Step whenEmpty = Step.status(500, Map.of());

    public ScriptedChatServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "scripted-chat-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/v1/chat/completions", this::handle);
        server.createContext("/v1/completions", this::handle);
        server.start();
    }

    public String baseUrl() { return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1"; }

    public ScriptedChatServer then(Step... steps) {
        script.addAll(List.of(steps));
        return this;
    }

    /** What to do once the script is used up (default: HTTP 500). */
    public ScriptedChatServer otherwise(Step step) {
        whenEmpty = step;
        return this;
    }

    public List<Received> received() { return List.copyOf(received); }

    public int maxInFlight() { return maxInFlight.get(); }

    public static String completion(String content) {
        ObjectNode root = JSON.createObjectNode();
        root.put("id", "chatcmpl-test").put("object", "chat.completion").put("model", "scripted");
        ObjectNode choice = root.putArray("choices").addObject();
        choice.put("index", 0).put("finish_reason", "stop");
        choice.putObject("message").put("role", "assistant").put("content", content);
        root.putObject("usage").put("prompt_tokens", 11).put("completion_tokens", 7).put("total_tokens", 18);
        return root.toString();
    }

    private void handle(HttpExchange exchange) throws IOException {
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        try {
            byte[] request = exchange.getRequestBody().readAllBytes();
            received.add(new Received(JSON.readTree(request), Map.copyOf(exchange.getRequestHeaders()), System.nanoTime()));
            Step step = script.pollFirst();
            if (step == null) step = whenEmpty;
            if (!step.stall().isZero()) Thread.sleep(step.stall().toMillis());
            step.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] body = step.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(step.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the client gave up (timeout): nothing to answer
        } finally {
            inFlight.decrementAndGet();
            exchange.close();
        }
    }

    @Override
    public void close() { server.stop(0); }
}
