package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.agentloop.trajectory.JsonLines;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A PyBench trajectory file (JSON Lines, one task per line). Malformed lines do not stop the read:
 * each becomes a {@link #problems() problem} naming the line, and its task counts as having no trajectory.
 */
public final class PyBenchTrajectoryFile {
    private final Path path;
    private final Map<String, PyBenchTrajectory> byIndex;
    private final List<String> problems;

    private PyBenchTrajectoryFile(Path path, Map<String, PyBenchTrajectory> byIndex, List<String> problems) {
        this.path = path;
        this.byIndex = byIndex;
        this.problems = problems;
    }

    public static PyBenchTrajectoryFile read(Path path) {
        if (!java.nio.file.Files.isRegularFile(path)) throw new PyBenchDataException("no trajectory file " + path);
        Map<String, PyBenchTrajectory> byIndex = new LinkedHashMap<>();
        List<String> problems = JsonLines.read(path, (number, node) -> parseLine(node, number, byIndex));
        return new PyBenchTrajectoryFile(path, byIndex, List.copyOf(problems));
    }

    /** Adds the line's trajectory; returns what is wrong with the line, or null. */
    private static String parseLine(JsonNode node, int number, Map<String, PyBenchTrajectory> byIndex) {
        if (!node.isObject()) return "expected a JSON object";
        JsonNode index = node.get("index");
        if (index == null || !index.isValueNode()) return "field \"index\" missing";
        JsonNode messages = node.get("messages");
        if (!(messages instanceof ArrayNode array)) return "field \"messages\" missing or not a list (task " + index.asText() + ")";
        PyBenchTrajectory previous = byIndex.put(index.asText(), new PyBenchTrajectory(index.asText(), array, number));
        if (previous != null) return "task " + index.asText() + " also on line " + previous.lineNumber() + "; the later line is used";
        return null;
    }

    public Path path() { return path; }

    public Optional<PyBenchTrajectory> get(String index) { return Optional.ofNullable(byIndex.get(index)); }

    public int size() { return byIndex.size(); }

    /** Every task's trajectory, in file order. */
    public java.util.Collection<PyBenchTrajectory> all() { return java.util.Collections.unmodifiableCollection(byIndex.values()); }

    /** Lines that could not be used, each naming its line number and what was wrong. */
    public List<String> problems() { return problems; }
}
