package dev.evalbox.agentloop.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The model-call cache on disk: one JSON file per answer, named by its {@link CacheKey}
 * ({@code entries/ab/abcd….json}). Several runs, in one process or many, can share a store: an entry is
 * written to a temporary file in its final folder, forced to disk and moved into place atomically, so a
 * reader sees a whole entry or none, and a writer killed with {@code kill -9} leaves at most a temporary
 * file, which readers ignore and {@link #prune} removes. Two runs storing the same key both write a whole
 * answer; the last move wins.
 */
public final class ModelCache {
    /** The variable that names the store's folder; without it, {@code ~/.cache/evalbox}. */
    public static final String DIR_VARIABLE = "EVALBOX_CACHE_DIR";
    /** How long an answer is used when {@code --cache} gives no duration. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(7);
    /** A temporary file older than this belongs to no live write (one takes milliseconds) and is pruned. */
    static final Duration ORPHAN_AGE = Duration.ofHours(1);
    private static final String TEMP_SUFFIX = ".tmp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Clock clock;

    private ModelCache(Path dir, Clock clock) {
        this.dir = dir;
        this.clock = clock;
    }

    /** The store in {@code dir} (created on the first write). */
    public static ModelCache open(Path dir) { return open(dir, Clock.systemUTC()); }

    /** The store in {@code dir}, with {@code clock} telling the time entries are stored and expire by. */
    public static ModelCache open(Path dir, Clock clock) { return new ModelCache(dir.toAbsolutePath(), clock); }

    /** The default store's folder: $EVALBOX_CACHE_DIR, else {@code ~/.cache/evalbox}. */
    public static Path defaultDir() {
        String given = System.getenv(DIR_VARIABLE);
        if (given != null && !given.isBlank()) return Path.of(given);
        return Path.of(System.getProperty("user.home"), ".cache", "evalbox");
    }

    public Path dir() { return dir; }

    public Instant now() { return clock.instant(); }

    /**
     * The live answer stored under {@code key} that is younger than {@code maxAge}, if any. An entry that cannot
     * be read (removed meanwhile, or damaged by something other than evalbox) is a miss, never an error: the call
     * is then made and the entry written again.
     */
    public Optional<CacheEntry> get(CacheKey key, Duration maxAge) {
        Path file = file(key);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException absentOrUnreadable) {
            return Optional.empty();
        }
        CacheEntry entry;
        try {
            entry = CacheEntry.fromJson(JSON.readTree(bytes));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
        Instant now = now();
        if (!entry.key().equals(key) || !entry.liveAt(now) || !now.isBefore(entry.created().plus(maxAge))) return Optional.empty();
        return Optional.of(entry);
    }

    /** Stores an entry atomically (see the class comment), replacing any entry under its key. */
    public void put(CacheEntry entry) {
        Path target = file(entry.key());
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            temp = Files.createTempFile(target.getParent(), "." + entry.key().hex() + ".", TEMP_SUFFIX);
            byte[] bytes = JSON.writeValueAsBytes(entry.toJson());
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) channel.write(buffer);
                channel.force(true); // the bytes are on disk before the name points at them
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new UncheckedIOException("the model-call cache in " + dir + " needs a file system with atomic renames"
                        + " (set " + DIR_VARIABLE + " to a folder on a local disk)", e);
            }
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to the model-call cache in " + dir + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // prune removes it later; the error that brought us here is the one to report
                }
            }
        }
    }

    /** Every readable entry, live or expired, of the models {@code model} accepts. */
    public List<CacheEntry> entries(Predicate<String> model) {
        List<CacheEntry> found = new ArrayList<>();
        for (Path file : files()) {
            if (isTemp(file)) continue;
            read(file).filter(e -> model.test(e.model())).ifPresent(found::add);
        }
        return found;
    }

    /** What {@link #prune} and {@link #clear} removed. */
    public record Removed(int entries, long bytes, int leftovers) { }

    /**
     * Removes expired entries of the models {@code model} accepts, entries that cannot be read, and temporary
     * files left by writers that were killed.
     */
    public Removed prune(Predicate<String> model) {
        Instant now = now();
        return remove(file -> {
            Optional<CacheEntry> entry = read(file);
            return entry.isEmpty() || (model.test(entry.get().model()) && !entry.get().liveAt(now));
        }, now);
    }

    /** Removes every entry of the models {@code model} accepts (and the leftovers of killed writers). */
    public Removed clear(Predicate<String> model) {
        return remove(file -> read(file).map(e -> model.test(e.model())).orElse(true), now());
    }

    private Removed remove(Predicate<Path> entryGoes, Instant now) {
        int entries = 0;
        int leftovers = 0;
        long bytes = 0;
        for (Path file : files()) {
            try {
                long size = Files.size(file);
                if (isTemp(file)) {
                    FileTime modified = Files.getLastModifiedTime(file);
                    if (modified.toInstant().plus(ORPHAN_AGE).isAfter(now) || !Files.deleteIfExists(file)) continue;
                    leftovers++;
                } else {
                    if (!entryGoes.test(file) || !Files.deleteIfExists(file)) continue;
                    entries++;
                }
                bytes += size;
            } catch (NoSuchFileException gone) {
                // another run removed it meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove " + file + " from the model-call cache: " + e.getMessage(), e);
            }
        }
        return new Removed(entries, bytes, leftovers);
    }

    private Optional<CacheEntry> read(Path file) {
        try {
            CacheEntry entry = CacheEntry.fromJson(JSON.readTree(Files.readAllBytes(file)));
            return file.getFileName().toString().equals(entry.key().hex() + ".json") ? Optional.of(entry) : Optional.empty();
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Every file under entries/: entries and temporary files. */
    private List<Path> files() {
        Path entries = dir.resolve("entries");
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(entries)) return found;
        try (DirectoryStream<Path> shards = Files.newDirectoryStream(entries, Files::isDirectory)) {
            for (Path shard : shards) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(shard, Files::isRegularFile)) {
                    files.forEach(found::add);
                } catch (NoSuchFileException gone) {
                    // cleared meanwhile
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the model-call cache in " + dir + ": " + e.getMessage(), e);
        }
        return found;
    }

    private static boolean isTemp(Path file) { return file.getFileName().toString().endsWith(TEMP_SUFFIX); }

    private Path file(CacheKey key) {
        return dir.resolve("entries").resolve(key.hex().substring(0, 2)).resolve(key.hex() + ".json");
    }

    @Override
    public String toString() { return "ModelCache[" + dir + "]"; }
}
