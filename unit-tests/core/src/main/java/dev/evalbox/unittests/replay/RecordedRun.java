package dev.evalbox.unittests.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.trajectory.TaskTrajectory;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.Trajectories;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What a replay starts from: each attempt's recorded conversation (messages with "role" and "content"),
 * the verdicts the run recorded, the run's run.json, and the benchmark that made it. The source is an
 * evalbox run directory of any benchmark (its trajectories.jsonl), an evalbox trajectories.jsonl, or a
 * trajectory file in a benchmark's own format ({@link Benchmark#recordedConversations}).
 *
 * <p>A run made with {@code --epochs N} has an attempt per task and epoch: everything is kept by epoch
 * (from 1), so that a replay replays every attempt and its metrics (pass@k, pass^k) are the run's.
 * A file in a benchmark's own format, or a run from before epochs, has epoch 1 only.
 *
 * @param conversations by epoch, each task's recorded conversation
 * @param eventsByEpoch by epoch, each task's trajectory events (none for a file in a benchmark's own format)
 * @param verdictsByEpoch by epoch, each task's last recorded row of results.jsonl
 * @param run       the run's run.json, or an empty object for a bare trajectory file
 * @param benchmark the benchmark the run was of, when run.json or the file's format says
 */
public record RecordedRun(Map<Integer, Map<String, ArrayNode>> conversations, Map<Integer, Map<String, List<TrajectoryEvent>>> eventsByEpoch,
                          Map<Integer, Map<String, JsonNode>> verdictsByEpoch, ObjectNode run, Optional<Benchmark> benchmark, String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each task's conversation of epoch 1 (the only one of a run without epochs). */
    public Map<String, ArrayNode> byTask() { return conversations.getOrDefault(1, Map.of()); }

    /** Each task's trajectory events of epoch 1. */
    public Map<String, List<TrajectoryEvent>> events() { return eventsByEpoch.getOrDefault(1, Map.of()); }

    /** Each task's recorded verdict of epoch 1. */
    public Map<String, JsonNode> verdicts() { return verdictsByEpoch.getOrDefault(1, Map.of()); }

    /** The highest epoch the run recorded a conversation for (1 for a run without epochs). */
    public int epochs() { return conversations.keySet().stream().mapToInt(Integer::intValue).max().orElse(1); }

    /** Every task that has a conversation in some epoch, in the order the run recorded them first. */
    public List<String> taskIds() {
        Set<String> ids = new LinkedHashSet<>();
        conversations.values().forEach(byTask -> ids.addAll(byTask.keySet()));
        return List.copyOf(ids);
    }

    /** A task's conversation in {@code epoch}, if the run recorded that attempt. */
    public Optional<ArrayNode> conversation(String taskId, int epoch) {
        return Optional.ofNullable(conversations.getOrDefault(epoch, Map.of()).get(taskId));
    }

    /** A task's trajectory events in {@code epoch} (none if the run recorded none). */
    public List<TrajectoryEvent> events(String taskId, int epoch) {
        return eventsByEpoch.getOrDefault(epoch, Map.of()).getOrDefault(taskId, List.of());
    }

    /** A task's recorded verdict in {@code epoch}: its last row of that epoch in results.jsonl. */
    public Optional<JsonNode> verdict(String taskId, int epoch) {
        return Optional.ofNullable(verdictsByEpoch.getOrDefault(epoch, Map.of()).get(taskId));
    }

    public static RecordedRun load(Path path, Consumer<String> warn) {
        if (Files.isDirectory(path)) {
            Path events = path.resolve("trajectories.jsonl");
            ObjectNode run = readRunJson(path.resolve("run.json"));
            if (!Files.isRegularFile(events)) return older(path, run, warn);
            Optional<Benchmark> benchmark = Benchmarks.named(run.path("benchmark").asText());
            Trajectories trajectories = read(events, warn);
            return new RecordedRun(conversations(trajectories), events(trajectories), verdicts(path), run, benchmark, path.toString());
        }
        if (!Files.isRegularFile(path)) throw new UserException("no such run directory or trajectory file: " + path);
        for (Benchmark benchmark : Benchmarks.all()) {
            Optional<Map<String, ArrayNode>> own = benchmark.recordedConversations(path, warn);
            if (own.isPresent()) {
                return new RecordedRun(Map.of(1, own.get()), Map.of(), Map.of(), RunDirectory.object(), Optional.of(benchmark), path.toString());
            }
        }
        Trajectories trajectories = read(path, warn);
        String benchmark = byTaskAndEpoch(trajectories).values().stream().flatMap(m -> m.values().stream()).flatMap(t -> t.events().stream())
                .filter(e -> e instanceof TrajectoryEvent.TaskStarted).map(e -> ((TrajectoryEvent.TaskStarted) e).benchmark())
                .filter(b -> b != null).findFirst().orElse("");
        return new RecordedRun(conversations(trajectories), events(trajectories), Map.of(), RunDirectory.object(),
                Benchmarks.named(benchmark), path.toString());
    }

    /** A run directory from before trajectories.jsonl: its conversations are in a file of its benchmark's own format. */
    private static RecordedRun older(Path dir, ObjectNode run, Consumer<String> warn) {
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(f -> f.toString().endsWith(".jsonl") && !f.getFileName().toString().equals("results.jsonl")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        for (Path file : files) {
            for (Benchmark benchmark : Benchmarks.all()) {
                Optional<Map<String, ArrayNode>> own = benchmark.recordedConversations(file, warn);
                if (own.isPresent()) return new RecordedRun(Map.of(1, own.get()), Map.of(), verdicts(dir), run, Optional.of(benchmark), dir.toString());
            }
        }
        throw new UserException(dir + " is not a run directory: it has no trajectories.jsonl (nor a trajectory file of a benchmark's own format)");
    }

    private static Trajectories read(Path file, Consumer<String> warn) {
        Trajectories trajectories = Trajectories.read(file);
        trajectories.problems().forEach(warn);
        return trajectories;
    }

    private static Map<Integer, Map<String, ArrayNode>> conversations(Trajectories trajectories) {
        Map<Integer, Map<String, ArrayNode>> byEpoch = new TreeMap<>();
        byTaskAndEpoch(trajectories).forEach((epoch, byTask) -> {
            Map<String, ArrayNode> conversations = new LinkedHashMap<>();
            byTask.forEach((task, t) -> conversations.put(task, TrajectoryEvent.messagesJson(t.messages())));
            byEpoch.put(epoch, conversations);
        });
        return byEpoch;
    }

    private static Map<Integer, Map<String, List<TrajectoryEvent>>> events(Trajectories trajectories) {
        Map<Integer, Map<String, List<TrajectoryEvent>>> byEpoch = new TreeMap<>();
        byTaskAndEpoch(trajectories).forEach((epoch, byTask) -> {
            Map<String, List<TrajectoryEvent>> events = new LinkedHashMap<>();
            byTask.forEach((task, t) -> events.put(task, t.events()));
            byEpoch.put(epoch, events);
        });
        return byEpoch;
    }

    /** The file's attempts by epoch, then task: epoch 1 is {@link Trajectories#byTask()}, the others its later epochs. */
    private static Map<Integer, Map<String, TaskTrajectory>> byTaskAndEpoch(Trajectories trajectories) {
        Map<Integer, Map<String, TaskTrajectory>> byEpoch = new TreeMap<>();
        if (!trajectories.byTask().isEmpty()) byEpoch.put(1, trajectories.byTask());
        trajectories.laterEpochs().forEach((task, attempts) -> attempts.forEach((epoch, t) ->
                byEpoch.computeIfAbsent(epoch, e -> new LinkedHashMap<>()).put(task, t)));
        return byEpoch;
    }

    /** The last recorded row of each task in each epoch (a resumed or re-graded attempt's latest verdict). */
    private static Map<Integer, Map<String, JsonNode>> verdicts(Path runDir) {
        Map<Integer, Map<String, JsonNode>> verdicts = new TreeMap<>();
        if (Files.isRegularFile(runDir.resolve("results.jsonl"))) {
            for (JsonNode row : RunDirectory.readResults(runDir)) {
                verdicts.computeIfAbsent(row.path("epoch").asInt(1), e -> new LinkedHashMap<>()).put(row.path("task_id").asText(), row);
            }
        }
        return verdicts;
    }

    private static ObjectNode readRunJson(Path file) {
        if (!Files.isRegularFile(file)) return RunDirectory.object();
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return node instanceof ObjectNode object ? object : RunDirectory.object();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
