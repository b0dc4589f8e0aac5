package dev.evalbox.unittests;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The unit a user keeps: {@code run.json} (what ran, with which settings) and {@code results.jsonl}
 * (one line per task, appended and flushed as each task ends, so a crash loses only tasks in flight).
 */
public final class RunDirectory implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final BufferedWriter results;

    private RunDirectory(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("artifacts"));
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".jsonl")).toList()) repairTail(file);
        }
        this.results = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /** Opens (creating) the run directory at {@code dir}. */
    public static RunDirectory open(Path dir) {
        try {
            return new RunDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the run directory " + dir, e);
        }
    }

    /** A fresh directory under {@code runsDir} named for the kind of run and the time. */
    public static Path newPath(Path runsDir, String kind) {
        return runsDir.resolve(kind + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")));
    }

    public Path path() { return dir; }

    /**
     * Cuts a last line that a kill left without its newline, so appending goes on cleanly; every
     * complete line is kept. Returns the number of bytes cut.
     */
    public static long repairTail(Path file) throws IOException {
        if (!Files.isRegularFile(file)) return 0;
        try (var channel = java.nio.channels.FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = channel.size();
            long keep = size;
            java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
            while (keep > 0) {
                one.clear();
                channel.read(one, keep - 1);
                if (one.get(0) == '\n') break;
                keep--;
            }
            if (keep < size) channel.truncate(keep);
            return size - keep;
        }
    }

    /** The lines of a run directory's results.jsonl, in order (none when it has no results yet). */
    public static java.util.List<com.fasterxml.jackson.databind.JsonNode> readResults(Path runDir) {
        Path file = runDir.resolve("results.jsonl");
        java.util.List<com.fasterxml.jackson.databind.JsonNode> rows = new java.util.ArrayList<>();
        if (!Files.isRegularFile(file)) return rows;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) rows.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return rows;
    }

    public synchronized void writeRunJson(ObjectNode run) {
        try {
            Path temp = dir.resolve("run.json.tmp");
            Files.writeString(temp, JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(run));
            Files.move(temp, dir.resolve("run.json"), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write run.json in " + dir, e);
        }
    }

    /** metrics.json: the run's headline metrics alone, for tools that want only them. */
    public synchronized void writeMetricsJson(ObjectNode metrics) {
        try {
            Files.writeString(dir.resolve("metrics.json"), JSON.writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics) + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics.json in " + dir, e);
        }
    }

    /** Appends one task's result line and flushes it to the file. */
    public synchronized void appendResult(ObjectNode result) {
        try {
            results.write(JSON.writeValueAsString(result));
            results.newLine();
            results.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve("results.jsonl"), e);
        }
    }

    /**
     * Appends the rows of one task together and flushes them: a reader (and {@code --resume}) sees all
     * of a task's rows or, after a crash mid-write, a torn last line that the next open cuts.
     */
    public synchronized void appendResults(java.util.List<ObjectNode> rows) {
        StringBuilder lines = new StringBuilder();
        try {
            for (ObjectNode row : rows) lines.append(JSON.writeValueAsString(row)).append('\n');
            results.write(lines.toString());
            results.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + dir.resolve("results.jsonl"), e);
        }
    }

    public static ObjectNode object() { return JSON.createObjectNode(); }

    @Override
    public synchronized void close() {
        try {
            results.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + dir.resolve("results.jsonl"), e);
        }
    }
}
