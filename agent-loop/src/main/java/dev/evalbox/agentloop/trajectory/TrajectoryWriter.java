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

    /**
     * A conversation that no model was asked for now (recorded answers being graded, a run being replayed),
     * as a task's events: task_started holding the whole conversation, then task_finished with {@code stopReason}.
     */
    public synchronized void writeRecorded(String taskId, String benchmark, String source, List<ChatMessage> conversation,
                                           String stopReason, int turns, String finalAnswer) {
        write(new TrajectoryEvent.TaskStarted(taskId, Instant.now(), benchmark, source, conversation));
        write(new TrajectoryEvent.TaskFinished(taskId, Instant.now(), stopReason, turns, finalAnswer, Usage.NONE));
    }

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
