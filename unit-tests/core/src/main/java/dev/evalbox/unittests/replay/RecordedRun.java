package dev.evalbox.unittests.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What a replay starts from: each task's recorded conversation (messages with "role" and "content"),
 * the verdicts the run recorded, the run's run.json, and the benchmark that made it. The source is an
 * evalbox run directory of any benchmark (its trajectories.jsonl), an evalbox trajectories.jsonl, or a
 * trajectory file in a benchmark's own format ({@link Benchmark#recordedConversations}).
 *
 * @param events    each task's trajectory events (none for a file in a benchmark's own format)
 * @param run       the run's run.json, or an empty object for a bare trajectory file
 * @param benchmark the benchmark the run was of, when run.json or the file's format says
 */
public record RecordedRun(Map<String, ArrayNode> byTask, Map<String, List<TrajectoryEvent>> events,
                          Map<String, JsonNode> verdicts, ObjectNode run, Optional<Benchmark> benchmark, String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

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
                return new RecordedRun(own.get(), Map.of(), Map.of(), RunDirectory.object(), Optional.of(benchmark), path.toString());
            }
        }
        Trajectories trajectories = read(path, warn);
        String benchmark = trajectories.byTask().values().stream().flatMap(t -> t.events().stream())
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
                if (own.isPresent()) return new RecordedRun(own.get(), Map.of(), verdicts(dir), run, Optional.of(benchmark), dir.toString());
            }
        }
        throw new UserException(dir + " is not a run directory: it has no trajectories.jsonl (nor a trajectory file of a benchmark's own format)");
    }

    private static Trajectories read(Path file, Consumer<String> warn) {
        Trajectories trajectories = Trajectories.read(file);
        trajectories.problems().forEach(warn);
        return trajectories;
    }

    private static Map<String, ArrayNode> conversations(Trajectories trajectories) {
        Map<String, ArrayNode> byTask = new LinkedHashMap<>();
        trajectories.byTask().forEach((task, t) -> byTask.put(task, TrajectoryEvent.messagesJson(t.messages())));
        return byTask;
    }

    private static Map<String, List<TrajectoryEvent>> events(Trajectories trajectories) {
        Map<String, List<TrajectoryEvent>> byTask = new LinkedHashMap<>();
        trajectories.byTask().forEach((task, t) -> byTask.put(task, t.events()));
        return byTask;
    }

    /** The last recorded row of each task (a resumed or re-graded task's latest verdict). */
    private static Map<String, JsonNode> verdicts(Path runDir) {
        Map<String, JsonNode> verdicts = new LinkedHashMap<>();
        if (Files.isRegularFile(runDir.resolve("results.jsonl"))) {
            for (JsonNode row : RunDirectory.readResults(runDir)) verdicts.put(row.path("task_id").asText(), row);
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
