package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads a PyBench checkout laid out as the original repository: data/meta/task.json, data/unit_test/tests.py, inputs in data/. */
public final class PyBenchTasks {
    private final Path root;
    private final Map<String, PyBenchTask> byIndex;

    private PyBenchTasks(Path root, Map<String, PyBenchTask> byIndex) {
        this.root = root;
        this.byIndex = byIndex;
    }

    public static PyBenchTasks load(Path pybenchDir) {
        Path taskFile = pybenchDir.resolve("data/meta/task.json");
        if (!Files.isRegularFile(taskFile)) {
            throw new PyBenchDataException(pybenchDir + " is not a PyBench checkout: " + taskFile + " is missing"
                    + " (--pybench-dir must hold data/meta/task.json and data/unit_test/tests.py)");
        }
        JsonNode array;
        try {
            array = new ObjectMapper().readTree(taskFile.toFile());
        } catch (IOException e) {
            throw new PyBenchDataException(taskFile + " cannot be read as JSON: " + e.getMessage(), e);
        }
        if (!array.isArray()) throw new PyBenchDataException(taskFile + ": expected a JSON array of tasks");
        Map<String, PyBenchTask> tasks = new LinkedHashMap<>();
        for (int i = 0; i < array.size(); i++) {
            PyBenchTask task = parse(taskFile, i, array.get(i));
            if (tasks.putIfAbsent(task.index(), task) != null) {
                throw new PyBenchDataException(taskFile + " entry " + i + ": index " + task.index() + " appears twice");
            }
        }
        return new PyBenchTasks(pybenchDir, tasks);
    }

    private static PyBenchTask parse(Path file, int position, JsonNode node) {
        String where = file + " entry " + position;
        if (!node.isObject()) throw new PyBenchDataException(where + ": expected an object");
        String index = requiredText(node, "index", where);
        where = file + " task " + index;
        return new PyBenchTask(index, requiredText(node, "user", where), strings(node, "file_paths", where),
                strings(node, "attachments", where), node.path("category1").asText(""),
                node.path("category2").asText(""), node.path("category3").asText(""));
    }

    private static String requiredText(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) throw new PyBenchDataException(where + ": field \"" + field + "\" missing");
        if (!value.isValueNode()) throw new PyBenchDataException(where + ": field \"" + field + "\" must be a string");
        return value.asText();
    }

    private static List<String> strings(JsonNode node, String field, String where) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) return List.of();
        if (!value.isArray()) throw new PyBenchDataException(where + ": field \"" + field + "\" must be a list");
        List<String> list = new ArrayList<>();
        value.forEach(v -> list.add(v.asText()));
        return list;
    }

    public Path root() { return root; }

    public Path dataDir() { return root.resolve("data"); }

    /** The benchmark's own per-task tests; evalbox does not ship them. */
    /**
     * Lays a task's inputs out in a sandbox as PyBench runs it (each under data/ of the work dir, as
     * named in task.json) and creates the empty output/; returns a note for each input not uploaded.
     */
    public List<String> prepareSandbox(PyBenchTask task, Sandbox sandbox) {
        List<String> notes = new ArrayList<>();
        for (String input : task.filePaths()) {
            Path host = root.resolve(input).normalize();
            if (!host.startsWith(dataDir())) {
                notes.add("input " + input + " is outside the checkout's data/; not uploaded");
            } else if (!Files.isRegularFile(host)) {
                notes.add("input " + input + " is missing from the checkout");
            } else {
                sandbox.upload(host, input);
            }
        }
        sandbox.makeDirectories("output");
        return notes;
    }

    public Path testsFile() { return root.resolve("data/unit_test/tests.py"); }

    public List<PyBenchTask> all() { return List.copyOf(byIndex.values()); }

    public int size() { return byIndex.size(); }

    public PyBenchTask get(String index) {
        PyBenchTask task = byIndex.get(index);
        if (task == null) throw new PyBenchDataException("no PyBench task with index " + index);
        return task;
    }

    /** The tasks with these indices, in the given order; unknown indices are an error naming them. */
    public List<PyBenchTask> select(List<String> indices) {
        Set<String> unknown = new HashSet<>(indices);
        unknown.removeAll(byIndex.keySet());
        if (!unknown.isEmpty()) throw new PyBenchDataException("unknown PyBench task index(es): " + unknown);
        return indices.stream().map(byIndex::get).toList();
    }
}
