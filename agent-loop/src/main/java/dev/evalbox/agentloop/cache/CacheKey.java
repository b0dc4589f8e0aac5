package dev.evalbox.agentloop.cache;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The address of a model call in the cache: the SHA-256 of the endpoint (base URL and API path), the attempt's
 * epoch, which repeat of the same request within the attempt it is, and the request body exactly as sent (model, every message and image, every sampling setting that is
 * set). What is not sent (the timeout, retries, concurrency, the API key) is not in the key, so changing it
 * still hits.
 */
public record CacheKey(String hex) {
    /** Changes when the way keys are made changes, so that old entries miss rather than answer wrongly. */
    static final String SCHEME = "evalbox-model-call/1";

    public CacheKey {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a cache key: " + hex);
    }

    /** The key of the first call with {@code body} in an attempt. */
    public static CacheKey of(String endpoint, int epoch, byte[] body) { return of(endpoint, epoch, 1, body); }

    /**
     * The key of the {@code repeat}-th call with the same body in one attempt (from 1): an attempt that asks the
     * same thing again wants another sample (HumanEval-V's samples, a judge asked again), not the first answer.
     */
    public static CacheKey of(String endpoint, int epoch, int repeat, byte[] body) {
        if (epoch < 1) throw new IllegalArgumentException("epochs count from 1, got " + epoch);
        if (repeat < 1) throw new IllegalArgumentException("repeats count from 1, got " + repeat);
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            // Each part is length-prefixed, so no two different (endpoint, epoch, body) triples hash the same bytes.
            for (byte[] part : new byte[][] {SCHEME.getBytes(StandardCharsets.UTF_8), endpoint.getBytes(StandardCharsets.UTF_8),
                    (epoch + "/" + repeat).getBytes(StandardCharsets.UTF_8), body}) {
                digest.update((part.length + ":").getBytes(StandardCharsets.UTF_8));
                digest.update(part);
            }
            return new CacheKey(HexFormat.of().formatHex(digest.digest()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() { return hex; }
}
