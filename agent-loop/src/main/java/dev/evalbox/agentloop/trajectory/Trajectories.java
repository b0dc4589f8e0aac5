package dev.evalbox.agentloop.trajectory;

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
        Map<String, List<TrajectoryEvent>> events = new LinkedHashMap<>();
        List<String> problems = JsonLines.read(path, (number, node) -> {
            TrajectoryEvent event = TrajectoryEvent.fromJson(node);
            events.computeIfAbsent(event.taskId(), t -> new ArrayList<>()).add(event);
            return null;
        });
        Map<String, TaskTrajectory> byTask = new LinkedHashMap<>();
        events.forEach((task, list) -> byTask.put(task, new TaskTrajectory(task, list)));
        return new Trajectories(byTask, List.copyOf(problems));
    }
}
