package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.agentloop.trajectory.Trajectories;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Recorded runs from either kind of trajectory file, by task: PyBench's format (one line per task
 * with "messages") or evalbox's trajectories.jsonl (typed events). Lines that cannot be used go to
 * {@code warn}, each naming its line.
 */
public final class RecordedTrajectories {
    private RecordedTrajectories() { }

    /** Each task's conversation in PyBench's message shape ({"role", "content"}). */
    public static Map<String, ArrayNode> conversations(Path file, Consumer<String> warn) {
        Map<String, ArrayNode> byTask = new LinkedHashMap<>();
        if (isPyBenchFormat(file)) {
            PyBenchTrajectoryFile pybench = PyBenchTrajectoryFile.read(file);
            pybench.problems().forEach(warn);
            pybench.all().forEach(t -> byTask.put(t.index(), t.messages()));
        } else {
            Trajectories trajectories = Trajectories.read(file);
            trajectories.problems().forEach(warn);
            trajectories.byTask().forEach((task, t) -> byTask.put(task, TrajectoryEvent.messagesJson(t.messages())));
        }
        return byTask;
    }

    /** Each task's assistant turns in order: what the replay model answers. */
    public static Map<String, List<String>> replies(Path file, Consumer<String> warn) {
        Map<String, List<String>> replies = new LinkedHashMap<>();
        if (isPyBenchFormat(file)) {
            conversations(file, warn).forEach((task, messages) -> {
                List<String> turns = new ArrayList<>();
                messages.forEach(m -> {
                    if ("assistant".equals(m.path("role").asText())) turns.add(m.path("content").asText());
                });
                replies.put(task, turns);
            });
        } else {
            Trajectories trajectories = Trajectories.read(file);
            trajectories.problems().forEach(warn);
            trajectories.byTask().forEach((task, t) -> replies.put(task, t.replies()));
        }
        return replies;
    }

    /** PyBench's format has "messages" on its first line; evalbox's events do not. */
    static boolean isPyBenchFormat(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) continue;
                try {
                    return new ObjectMapper().readTree(line).has("messages");
                } catch (IOException notJson) {
                    return false;
                }
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
