package dev.evalbox.agentloop.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.Usage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One stored answer: what was asked of whom (the model, the endpoint without credentials, the epoch: enough
 * for {@code evalbox cache list}, not the request itself, whose images would double the store), when it was
 * stored and until when it may be used, and the answer (every choice, the finish reason, the usage and the
 * latency of the call that paid for it).
 */
public record CacheEntry(CacheKey key, String model, String endpoint, int epoch, Instant created, Instant expires,
                         List<String> choices, String finishReason, Usage usage, long latencyMs) {
    static final int FORMAT = 1;

    public CacheEntry {
        choices = List.copyOf(choices);
        if (choices.isEmpty()) throw new IllegalArgumentException("a cached answer has at least one choice");
    }

    /** Whether it may still be used at {@code now}. */
    public boolean liveAt(Instant now) { return now.isBefore(expires); }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("format", FORMAT).put("key", key.hex()).put("model", model).put("endpoint", endpoint).put("epoch", epoch)
                .put("created", created.toString()).put("expires", expires.toString()).put("finish_reason", finishReason)
                .put("latency_ms", latencyMs);
        var texts = node.putArray("choices");
        choices.forEach(texts::add);
        node.putObject("usage").put("prompt_tokens", usage.promptTokens()).put("completion_tokens", usage.completionTokens());
        return node;
    }

    /** Reads a stored entry; anything but a complete entry of this format is an IllegalArgumentException. */
    static CacheEntry fromJson(JsonNode node) {
        if (node == null || node.path("format").asInt() != FORMAT) throw new IllegalArgumentException("not a cache entry of format " + FORMAT);
        List<String> choices = new ArrayList<>();
        node.path("choices").forEach(c -> choices.add(c.asText()));
        JsonNode usage = node.path("usage");
        try {
            return new CacheEntry(new CacheKey(node.path("key").asText()), node.path("model").asText(), node.path("endpoint").asText(),
                    node.path("epoch").asInt(), Instant.parse(node.path("created").asText()), Instant.parse(node.path("expires").asText()),
                    choices, node.path("finish_reason").asText(null),
                    new Usage(usage.path("prompt_tokens").asInt(), usage.path("completion_tokens").asInt()), node.path("latency_ms").asLong());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("a cache entry with an unreadable time: " + e.getMessage());
        }
    }
}
