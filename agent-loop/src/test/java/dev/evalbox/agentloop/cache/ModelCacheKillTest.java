package dev.evalbox.agentloop.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.model.Usage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} during cache writes: a separate JVM stores 1 MB answers from two threads and is killed
 * (SIGKILL, no shutdown hooks) while it writes, three times over. While it writes, this JVM reads every entry
 * file over and over, as a second run sharing the store would: no read may see part of an entry. Every
 * entry file left must be a whole, readable entry; the store must serve and take answers afterwards, and
 * prune must sweep the leftovers.
 */
class ModelCacheKillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aWriterKilledMidWriteLeavesOnlyWholeEntries(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("cache");
        int[] killedAfter = {3, 17, 40};
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.ConcurrentLinkedQueue<String> torn = new java.util.concurrent.ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            while (writing.get()) {
                for (Path file : entryFiles(store)) {
                    try {
                        CacheEntry.fromJson(JSON.readTree(Files.readAllBytes(file)));
                        reads.incrementAndGet();
                    } catch (java.nio.file.NoSuchFileException gone) {
                        // replaced between listing and reading: not a torn read
                    } catch (Exception e) {
                        torn.add(file.getFileName() + ": " + e.getMessage());
                    }
                }
            }
        }, "second-run-reader");
        reader.start();
        try {
            writeAndKill(store, killedAfter);
        } finally {
            writing.set(false);
            reader.join();
        }
        assertTrue(torn.isEmpty(), "a reader saw part of an entry: " + torn.stream().limit(3).toList());
        assertTrue(reads.get() > 0, "the reader read entries while they were written");
        checkStoreAfterKills(store);
    }

    private static void writeAndKill(Path store, int[] killedAfter) throws Exception {
        for (int stored : killedAfter) {
            Process victim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CacheWriterProcess.class.getName(), store.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(victim.getInputStream(), StandardCharsets.UTF_8))) {
                // wait for the writer's own report that it has stored this many answers and is writing more
                int seen = 0;
                for (String line; seen < stored && (line = out.readLine()) != null; ) {
                    if (line.startsWith("stored ")) seen++;
                }
                assertEquals(stored, seen, "the writer process stopped before it was killed");
                victim.destroyForcibly(); // SIGKILL on Linux
                assertTrue(victim.waitFor(60, TimeUnit.SECONDS), "the killed writer is gone");
                assertEquals(137, victim.exitValue(), "killed by SIGKILL, not ended on its own");
            } finally {
                victim.destroyForcibly();
            }
            assertEveryEntryWhole(store);
        }
    }

    private static void checkStoreAfterKills(Path store) {
        ModelCache cache = ModelCache.open(store);
        List<CacheEntry> entries = cache.entries(m -> true);
        assertTrue(!entries.isEmpty() && entries.size() <= 40, "the stored answers are listed: " + entries.size());
        for (CacheEntry entry : entries) {
            CacheEntry read = cache.get(entry.key(), Duration.ofDays(1)).orElseThrow();
            String text = read.choices().get(0);
            assertEquals(1 << 20, text.length());
            assertTrue(text.chars().allMatch(c -> c == text.charAt(0)), "one write's bytes, not a mix");
        }
        CacheKey fresh = CacheKey.of("http://127.0.0.1:9/v1/chat/completions", 1, "after the kills".getBytes());
        Instant now = Instant.now();
        cache.put(new CacheEntry(fresh, "victim", "e", 1, now, now.plus(Duration.ofDays(1)), List.of("still usable"), "stop", new Usage(1, 1), 1));
        assertEquals("still usable", cache.get(fresh, Duration.ofDays(1)).orElseThrow().choices().get(0));

        // an hour and more later, prune sweeps what the killed writers left behind and keeps every entry
        Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
        ModelCache.Removed pruned = ModelCache.open(store, later).prune(m -> true);
        assertEquals(0, pruned.entries(), "no entry was damaged");
        assertEquals(0, temporaryFiles(store), "no temporary file is left after prune");
        assertEquals(entries.size() + 1, cache.entries(m -> true).size());
    }

    private static void assertEveryEntryWhole(Path store) throws Exception {
        for (Path file : entryFiles(store)) {
            CacheEntry entry = CacheEntry.fromJson(JSON.readTree(file.toFile())); // throws on a torn file
            assertEquals(entry.key().hex() + ".json", file.getFileName().toString());
        }
    }

    /** The entry files (not temporary files) in the store now; none before the first write. */
    private static List<Path> entryFiles(Path store) {
        Path entries = store.resolve("entries");
        if (!Files.isDirectory(entries)) return List.of();
        try (Stream<Path> files = Files.walk(entries)) {
            return files.filter(f -> f.toString().endsWith(".json")).toList();
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return List.of(); // a shard appeared or went while walking: the next round sees it
        }
    }

    private static long temporaryFiles(Path store) {
        try (Stream<Path> files = Files.walk(store)) {
            return files.filter(f -> f.toString().endsWith(".tmp")).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
