package dev.evalbox.agentloop.trajectory;

import com.fasterxml.jackson.databind.ObjectMapper;
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

/**
 * An evalbox trajectory file read back, grouped by task. A line that cannot be read (a crash can cut
 * the last line short) is reported in {@link #problems()} and skipped.
 */
public record Trajectories(Map<String, TaskTrajectory> byTask, List<String> problems) {

    public static Trajectories read(Path path) {
        ObjectMapper json = new ObjectMapper();
        Map<String, List<TrajectoryEvent>> events = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                try {
                    TrajectoryEvent event = TrajectoryEvent.fromJson(json.readTree(line));
                    events.computeIfAbsent(event.taskId(), t -> new ArrayList<>()).add(event);
                } catch (IOException | RuntimeException e) {
                    problems.add(path.getFileName() + " line " + number + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the trajectory file " + path, e);
        }
        Map<String, TaskTrajectory> byTask = new LinkedHashMap<>();
        events.forEach((task, list) -> byTask.put(task, new TaskTrajectory(task, list)));
        return new Trajectories(byTask, List.copyOf(problems));
    }
}
