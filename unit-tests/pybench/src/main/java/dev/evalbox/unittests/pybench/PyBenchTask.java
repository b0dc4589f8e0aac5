package dev.evalbox.unittests.pybench;

import dev.evalbox.unittests.eval.EvalTask;
import java.util.List;
import java.util.Map;

/**
 * One PyBench task from {@code data/meta/task.json}: the user's query, the input files it names
 * (paths like {@code ./data/x.csv}, relative to the task's working dir) and its three category labels.
 */
public record PyBenchTask(
        String index,
        String user,
        List<String> filePaths,
        List<String> attachments,
        String category1,
        String category2,
        String category3) implements EvalTask {

    public PyBenchTask {
        filePaths = List.copyOf(filePaths);
        attachments = List.copyOf(attachments);
    }

    @Override
    public String id() { return index; }

    @Override
    public Map<String, String> metadata() { return Map.of("category", category1); }
}
