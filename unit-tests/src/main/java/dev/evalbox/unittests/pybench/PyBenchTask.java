package dev.evalbox.unittests.pybench;

import java.util.List;

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
        String category3) {

    public PyBenchTask {
        filePaths = List.copyOf(filePaths);
        attachments = List.copyOf(attachments);
    }
}
