package dev.evalbox.agentloop.cache;

import dev.evalbox.agentloop.model.ChatCompletion;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.ChatRequest;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

/**
 * A model server behind the model-call cache: an answer stored for the same endpoint, request body, epoch and
 * repeat (see {@link CacheKey}) is returned without a request, marked {@link ChatCompletion#cached()}; otherwise
 * the server is called and a good answer stored. {@link #forEpoch} gives a view for one attempt, which counts
 * the repeats of identical requests: the second identical call of an attempt is a second sample, stored apart,
 * and a re-run of the attempt gets both back in the same order. Errors are never stored (they are exceptions and pass through),
 * nor are refusals and truncated answers ({@link #worthKeeping}), so a re-run asks again for those.
 */
public final class CachedChatModel implements ChatModel {
    /** Finish reasons of answers that are not kept: cut at the token limit, or withheld by the server's filter. */
    private static final Set<String> NOT_KEPT = Set.of("length", "content_filter");

    private final OpenAiChatModel server;
    private final ModelCache cache;
    private final Duration ttl;
    private final int epoch;
    private final Map<CacheKey, Integer> repeats = new ConcurrentHashMap<>();

    /** Answers of {@code server} kept for {@code ttl} in {@code cache}; calls count as epoch 1 until {@link #forEpoch}. */
    public CachedChatModel(OpenAiChatModel server, ModelCache cache, Duration ttl) {
        this(server, cache, ttl, 1);
    }

    private CachedChatModel(OpenAiChatModel server, ModelCache cache, Duration ttl, int epoch) {
        if (ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("a cache duration must be positive, got " + ttl);
        if (epoch < 1) throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        this.server = server;
        this.cache = cache;
        this.ttl = ttl;
        this.epoch = epoch;
    }

    @Override
    public String name() { return server.name(); }

    /** The server behind the cache (what a run records as the model's endpoint). */
    public OpenAiChatModel server() { return server; }

    public int epoch() { return epoch; }

    /** A fresh view for one attempt at {@code epoch}: its own count of repeated requests. */
    @Override
    public CachedChatModel forEpoch(int epoch) {
        return new CachedChatModel(server, cache, ttl, epoch);
    }

    /** The key the {@code repeat}-th call with {@code request} has at this epoch. */
    public CacheKey key(ChatRequest request, int repeat) {
        return CacheKey.of(server.endpoint().toString(), epoch, repeat, server.requestBody(request));
    }

    @Override
    public ChatCompletion complete(ChatRequest request) {
        long started = System.nanoTime();
        CacheKey first = key(request, 1);
        int repeat = repeats.merge(first, 1, Integer::sum);
        CacheKey key = repeat == 1 ? first : key(request, repeat);
        Optional<CacheEntry> hit = cache.get(key, ttl);
        if (hit.isPresent()) {
            CacheEntry entry = hit.get();
            // attempts 0: no request was made; the usage is what the stored call cost, reported apart as cached
            return new ChatCompletion(entry.choices(), entry.finishReason(), entry.usage(),
                    Duration.ofNanos(System.nanoTime() - started), 0, true);
        }
        ChatCompletion completion = server.complete(request);
        if (worthKeeping(completion)) {
            Instant now = cache.now();
            cache.put(new CacheEntry(key, server.name(), withoutCredentials(server.endpoint()), epoch, now, now.plus(ttl),
                    completion.choices(), completion.finishReason(), completion.usage(), completion.latency().toMillis()));
        }
        return completion;
    }

    /**
     * Whether an answer is kept: not when it was cut at the token limit or filtered (finish reason "length" or
     * "content_filter"), and not when a choice is empty, which is how a refusal reads (the API's
     * {@code refusal} field with no content) and what a re-run should ask for again.
     */
    static boolean worthKeeping(ChatCompletion completion) {
        if (completion.finishReason() != null && NOT_KEPT.contains(completion.finishReason())) return false;
        return completion.choices().stream().noneMatch(String::isBlank);
    }

    /** The endpoint with any user:password and query removed: the store says where an answer came from, never with a key. */
    static String withoutCredentials(URI uri) {
        try {
            return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(), null, null).toString();
        } catch (URISyntaxException e) {
            return "(not a URL)";
        }
    }

    @Override
    public String toString() { return "CachedChatModel[" + server + ", epoch " + epoch + ", " + cache + "]"; }
}
