package dev.evalbox.agentloop.cache;

import dev.evalbox.agentloop.model.Usage;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A process that stores large answers in a cache as fast as it can, from two threads on overlapping keys,
 * and prints "stored N" after each, until it is killed: the victim of {@link ModelCacheKillTest}.
 */
public final class CacheWriterProcess {
    private CacheWriterProcess() { }

    public static void main(String[] args) throws Exception {
        ModelCache cache = ModelCache.open(Path.of(args[0]));
        Object print = new Object();
        Runnable writer = () -> {
            for (long i = 0; ; i++) {
                // 40 keys in turn, so entries are replaced while others are read; 1 MB each, so a kill often lands mid-write
                CacheKey key = CacheKey.of("http://127.0.0.1:9/v1/chat/completions", 1, ("request " + (i % 40)).getBytes());
                String text = Long.toString(i % 10).repeat(1 << 20);
                Instant now = Instant.now();
                cache.put(new CacheEntry(key, "victim", "http://127.0.0.1:9/v1/chat/completions", 1, now, now.plus(Duration.ofDays(1)),
                        List.of(text), "stop", new Usage(1, 1), 1));
                synchronized (print) {
                    System.out.println("stored " + i);
                    System.out.flush();
                }
            }
        };
        Thread other = new Thread(writer, "second-writer");
        other.start();
        writer.run();
    }
}
