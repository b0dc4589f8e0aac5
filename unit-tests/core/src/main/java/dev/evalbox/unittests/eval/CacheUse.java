package dev.evalbox.unittests.eval;

import dev.evalbox.agentloop.cache.CachedChatModel;
import dev.evalbox.agentloop.cache.ModelCache;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import java.time.Duration;

/** The model-call cache a run uses ({@code --cache}): the store, and how long its answers are used. */
public record CacheUse(ModelCache store, Duration ttl) {
    public CacheUse {
        if (ttl.isNegative() || ttl.isZero()) throw new UserException("--cache: the duration must be positive, got " + ttl);
    }

    /** The server behind the cache; its calls count as epoch 1 until {@code forEpoch}. */
    public CachedChatModel wrap(OpenAiChatModel server) { return new CachedChatModel(server, store, ttl); }
}
