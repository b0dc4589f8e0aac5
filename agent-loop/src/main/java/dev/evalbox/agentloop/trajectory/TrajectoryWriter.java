package dev.evalbox.agentloop.trajectory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends trajectory events to a JSON Lines file, one line per event, flushed as it is written, so
 * a crash loses nothing already recorded. Safe to share between the tasks of a run.
 */
public final class TrajectoryWriter implements AutoCloseable {
    private final Path path;
    private final BufferedWriter out;

    public TrajectoryWriter(Path path) {
        this.path = path;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the trajectory file " + path, e);
        }
    }

    public Path path() { return path; }

    public synchronized void write(TrajectoryEvent event) {
        try {
            out.write(event.toJson().toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the trajectory file " + path, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the trajectory file " + path, e);
        }
    }
}
