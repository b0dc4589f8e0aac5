package dev.evalbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.pybench.RecordedTrajectories;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The conversations of a recorded run, whatever its form: an evalbox run directory, an evalbox
 * trajectories.jsonl, or a trajectory file in PyBench's format. Also the run's recorded verdicts.
 */
record RecordedConversations(Map<String, ArrayNode> byTask, Map<String, JsonNode> verdicts, String source) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static RecordedConversations load(Path path) {
        try {
            if (Files.isDirectory(path)) {
                Path pybench = path.resolve("pybench_trajectory.jsonl");
                Path events = path.resolve("trajectories.jsonl");
                Path file = Files.isRegularFile(pybench) ? pybench : events;
                if (!Files.isRegularFile(file)) throw new UserException(path + " is not a run directory: it has no trajectories.jsonl");
                RecordedConversations conversations = load(file);
                return new RecordedConversations(conversations.byTask(), verdicts(path.resolve("results.jsonl")), path.toString());
            }
            if (!Files.isRegularFile(path)) throw new UserException("no such run directory or trajectory file: " + path);
            Map<String, ArrayNode> byTask = RecordedTrajectories.conversations(path, p -> System.err.println("warning: " + p));
            return new RecordedConversations(byTask, Map.of(), path.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
    }

    private static Map<String, JsonNode> verdicts(Path results) throws IOException {
        Map<String, JsonNode> verdicts = new LinkedHashMap<>();
        if (!Files.isRegularFile(results)) return verdicts;
        for (String line : Files.readAllLines(results)) {
            if (line.isBlank()) continue;
            JsonNode row = JSON.readTree(line);
            verdicts.put(row.path("task_id").asText(), row);
        }
        return verdicts;
    }
}
