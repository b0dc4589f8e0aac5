package dev.evalbox.agentloop.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A model behind the OpenAI-compatible chat-completions API (vLLM, SGLang, Ollama, llama.cpp,
 * OpenAI and most hosted APIs), or its completions endpoint for completion-style models.
 *
 * <p>429, 5xx, timeouts and dropped connections are retried with exponential backoff and jitter,
 * honouring Retry-After; other 4xx fail at once. A semaphore bounds the calls in flight to this
 * model. The API key goes only into the Authorization header: never into logs, names or errors.
 */
public final class OpenAiChatModel implements ChatModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final URI endpoint;
    private final boolean completions;
    private final String model;
    private final String apiKey;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Semaphore inFlight;
    private final HttpClient http;

    private OpenAiChatModel(Builder b) {
        String base = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
        this.baseUrl = base;
        this.completions = b.completions;
        this.endpoint = URI.create(base + (completions ? "/completions" : "/chat/completions"));
        this.model = Objects.requireNonNull(b.model, "model");
        this.apiKey = b.apiKey;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.initialBackoff = b.initialBackoff;
        this.maxBackoff = b.maxBackoff;
        this.inFlight = new Semaphore(b.maxConcurrency, true);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(b.connectTimeout).build();
    }

    public static Builder builder() { return new Builder(); }

    @Override
    public String name() { return model; }

    public URI endpoint() { return endpoint; }

    /** The server's base URL, as given (without a trailing slash): what a run records. */
    public String baseUrl() { return baseUrl; }

    @Override
    public ChatCompletion complete(ChatRequest request) {
        byte[] body = requestBody(request);
        long started = System.nanoTime();
        ModelException last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            Duration wait;
            try {
                HttpResponse<byte[]> response = send(body);
                int status = response.statusCode();
                if (status == 200) {
                    return parse(response.body(), Duration.ofNanos(System.nanoTime() - started), attempt);
                }
                last = new ModelException(ModelException.Kind.HTTP_STATUS,
                        "the model server answered HTTP " + status + ": " + snippet(response.body()), attempt);
                if (!retryable(status)) throw last;
                wait = retryAfter(response).orElse(backoff(attempt));
            } catch (HttpTimeoutException e) {
                last = new ModelException(ModelException.Kind.TIMEOUT, "no answer from " + endpoint + " within " + timeout.toSeconds() + " s", attempt);
                wait = backoff(attempt);
            } catch (IOException e) {
                last = new ModelException(ModelException.Kind.CONNECTION, "connection to " + endpoint + " failed: " + e, attempt);
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelException(ModelException.Kind.CONNECTION, "interrupted while calling the model", attempt);
            }
            if (attempt < maxAttempts) sleep(wait);
        }
        throw new ModelException(last.kind(), last.getMessage() + " (gave up after " + maxAttempts + " attempts)", maxAttempts);
    }

    private HttpResponse<byte[]> send(byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null && !apiKey.isEmpty()) request.header("Authorization", "Bearer " + apiKey);
        inFlight.acquire();
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } finally {
            inFlight.release();
        }
    }

    private static boolean retryable(int status) {
        return status == 429 || status == 408 || status >= 500;
    }

    private Duration backoff(int attempt) {
        long base = Math.min(maxBackoff.toMillis(), initialBackoff.toMillis() << Math.min(attempt - 1, 20));
        return Duration.ofMillis(base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1));
    }

    /** Retry-After as seconds or an HTTP date, capped by the maximum backoff. */
    private java.util.Optional<Duration> retryAfter(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.trim()) * 1000));
            } catch (NumberFormatException e) {
                try {
                    return Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME));
                } catch (RuntimeException unparsable) {
                    return backoff(1);
                }
            }
        }).map(d -> d.isNegative() ? Duration.ZERO : d.compareTo(maxBackoff) > 0 ? maxBackoff : d);
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelException(ModelException.Kind.CONNECTION, "interrupted while waiting to retry", 0);
        }
    }

    /**
     * The exact bytes a call with {@code request} sends: the model, every message and image and every sampling
     * setting that is set (what the model-call cache keys on; the timeout, retries and concurrency are not in it).
     */
    public byte[] requestBody(ChatRequest request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("model", model);
        if (completions) {
            // Completion-style servers take one prompt: the messages' texts in order.
            StringBuilder prompt = new StringBuilder();
            request.messages().forEach(m -> prompt.append(m.content()));
            body.put("prompt", prompt.toString());
        }
        ArrayNode messages = completions ? JSON.createArrayNode() : body.putArray("messages");
        for (ChatMessage message : request.messages()) {
            ObjectNode m = messages.addObject().put("role", message.role());
            if (message.imageUrls().isEmpty()) {
                m.put("content", message.content());
            } else {
                ArrayNode parts = m.putArray("content");
                parts.addObject().put("type", "text").put("text", message.content());
                for (String url : message.imageUrls()) {
                    parts.addObject().put("type", "image_url").putObject("image_url").put("url", url);
                }
            }
        }
        request.params().writeTo(body);
        try {
            return JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ChatCompletion parse(byte[] body, Duration latency, int attempts) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            throw new ModelException(ModelException.Kind.MALFORMED_RESPONSE, "the model server's answer is not JSON: " + snippet(body), attempts);
        }
        JsonNode choices = root == null ? null : root.get("choices");
        if (choices == null || !choices.isArray()) {
            throw new ModelException(ModelException.Kind.MALFORMED_RESPONSE, "the model server's answer has no \"choices\" list: " + snippet(body), attempts);
        }
        if (choices.isEmpty()) throw new ModelException(ModelException.Kind.EMPTY_RESPONSE, "the model server answered with no choices", attempts);
        List<String> texts = new ArrayList<>();
        for (JsonNode choice : choices) {
            JsonNode content = choice.has("text") ? choice.get("text") : choice.path("message").path("content");
            texts.add(content.isTextual() ? content.asText() : content.isNull() || content.isMissingNode() ? "" : content.toString());
        }
        JsonNode usage = root.path("usage");
        return new ChatCompletion(texts, choices.get(0).path("finish_reason").asText(null),
                new Usage(usage.path("prompt_tokens").asInt(0), usage.path("completion_tokens").asInt(0)), latency, attempts);
    }

    private static String snippet(byte[] body) {
        String text = new String(body, java.nio.charset.StandardCharsets.UTF_8).strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    @Override
    public String toString() { return "OpenAiChatModel[" + model + " at " + endpoint + "]"; }

    public static final class Builder {
        private String baseUrl = System.getenv().getOrDefault("OPENAI_BASE_URL", "https://api.openai.com/v1");
        private String apiKey = System.getenv("OPENAI_API_KEY");
        private String model;
        private Duration timeout = Duration.ofSeconds(300);
        private Duration connectTimeout = Duration.ofSeconds(10);
        private int maxAttempts = 6;
        private Duration initialBackoff = Duration.ofSeconds(1);
        private Duration maxBackoff = Duration.ofSeconds(60);
        private int maxConcurrency = 8;
        private boolean completions;

        public Builder baseUrl(String url) { this.baseUrl = url; return this; }
        public Builder apiKey(String key) { this.apiKey = key; return this; }
        public Builder model(String name) { this.model = name; return this; }
        /** How long one attempt may take before it counts as a timeout. */
        public Builder timeout(Duration d) { this.timeout = d; return this; }
        public Builder connectTimeout(Duration d) { this.connectTimeout = d; return this; }
        /** Attempts in all, the first included. */
        public Builder maxAttempts(int n) { this.maxAttempts = Math.max(1, n); return this; }
        public Builder backoff(Duration initial, Duration max) { this.initialBackoff = initial; this.maxBackoff = max; return this; }
        /** Calls in flight to this model at once. */
        public Builder maxConcurrency(int n) { this.maxConcurrency = Math.max(1, n); return this; }
        /** Use the (legacy) completions endpoint with one prompt, for completion-style models. */
        public Builder completions(boolean flag) { this.completions = flag; return this; }

        public OpenAiChatModel build() { return new OpenAiChatModel(this); }
    }
}
