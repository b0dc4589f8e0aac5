package dev.evalbox.agentloop.trajectory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An evalbox trajectory file read back, grouped by task: {@link #byTask()} holds each task's first attempt
 * (epoch 1, its events unmarked), {@link #laterEpochs()} the attempts of later epochs (their events carry
 * {@code "epoch"}), by task and epoch. A line that cannot be read (a crash can cut the last line short) is
 * reported in {@link #problems()} and skipped.
 */
public record Trajectories(Map<String, TaskTrajectory> byTask, Map<String, Map<Integer, TaskTrajectory>> laterEpochs,
                           List<String> problems) {

    public Trajectories(Map<String, TaskTrajectory> byTask, List<String> problems) {
        this(byTask, Map.of(), problems);
    }

    public static Trajectories read(Path path) {
        Map<String, List<TrajectoryEvent>> events = new LinkedHashMap<>();
        Map<String, Map<Integer, List<TrajectoryEvent>>> later = new LinkedHashMap<>();
        List<String> problems = JsonLines.read(path, (number, node) -> {
            TrajectoryEvent event = TrajectoryEvent.fromJson(node);
            int epoch = node.path("epoch").asInt(1);
            if (epoch <= 1) events.computeIfAbsent(event.taskId(), t -> new ArrayList<>()).add(event);
            else later.computeIfAbsent(event.taskId(), t -> new TreeMap<>()).computeIfAbsent(epoch, e -> new ArrayList<>()).add(event);
            return null;
        });
        Map<String, TaskTrajectory> byTask = new LinkedHashMap<>();
        events.forEach((task, list) -> byTask.put(task, new TaskTrajectory(task, list)));
        Map<String, Map<Integer, TaskTrajectory>> laterEpochs = new LinkedHashMap<>();
        later.forEach((task, epochs) -> {
            Map<Integer, TaskTrajectory> attempts = new TreeMap<>();
            epochs.forEach((epoch, list) -> attempts.put(epoch, new TaskTrajectory(task, list)));
            laterEpochs.put(task, attempts);
        });
        return new Trajectories(byTask, laterEpochs, List.copyOf(problems));
    }

    /** A task's attempt of {@code epoch} (from 1), if the file has it. */
    public java.util.Optional<TaskTrajectory> attempt(String taskId, int epoch) {
        return java.util.Optional.ofNullable(epoch <= 1 ? byTask.get(taskId) : laterEpochs.getOrDefault(taskId, Map.of()).get(epoch));
    }
}
