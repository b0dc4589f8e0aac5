package dev.evalbox.agentloop.trajectory;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.Usage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;

/**
 * Appends trajectory events to a JSON Lines file, one line per event, flushed as it is written, so
 * a crash loses nothing already recorded. Safe to share between the tasks of a run. The events of an
 * attempt of a later epoch ({@link #forEpoch}) carry {@code "epoch": N}; those of the first carry none,
 * as every line did before epochs existed.
 */
public final class TrajectoryWriter implements AutoCloseable {
    private final Path path;
    private final BufferedWriter out;
    private final int epoch;

    public TrajectoryWriter(Path path) {
        this.path = path;
        this.epoch = 1;
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the trajectory file " + path, e);
        }
    }

    private TrajectoryWriter(TrajectoryWriter file, int epoch) {
        this.path = file.path;
        this.out = file.out;
        this.epoch = epoch;
    }

    /** The same file, its events marked as attempt {@code epoch} (from 1) of their task. */
    public TrajectoryWriter forEpoch(int epoch) {
        if (epoch < 1) throw new IllegalArgumentException("an epoch counts from 1: " + epoch);
        return epoch == this.epoch ? this : new TrajectoryWriter(this, epoch);
    }

    /** The epoch this writer's events are marked with (1: unmarked). */
    public int epoch() { return epoch; }

    public Path path() { return path; }

    /**
     * A conversation that no model was asked for now (recorded answers being graded, a run being replayed),
     * as a task's events: task_started holding the whole conversation, then task_finished with {@code stopReason}.
     */
    public void writeRecorded(String taskId, String benchmark, String source, List<ChatMessage> conversation,
                              String stopReason, int turns, String finalAnswer) {
        synchronized (out) {
            write(new TrajectoryEvent.TaskStarted(taskId, Instant.now(), benchmark, source, conversation));
            write(new TrajectoryEvent.TaskFinished(taskId, Instant.now(), stopReason, turns, finalAnswer, Usage.NONE));
        }
    }

    public void write(TrajectoryEvent event) {
        var line = event.toJson();
        if (epoch > 1) line.put("epoch", epoch);
        // one lock for the file, shared by every epoch's view of it
        synchronized (out) {
            try {
                out.write(line.toString());
                out.newLine();
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot append to the trajectory file " + path, e);
            }
        }
    }

    @Override
    public void close() {
        if (epoch != 1) return; // a view of another writer's file: that writer closes it
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the trajectory file " + path, e);
        }
    }
}
