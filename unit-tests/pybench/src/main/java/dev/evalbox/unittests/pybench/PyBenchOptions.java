package dev.evalbox.unittests.pybench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options shared by the PyBench commands: the checkout, which tasks, and the categories of the summary. */
public final class PyBenchOptions {
    @Option(names = "--pybench-dir", required = true, description = "A PyBench checkout (data/meta/task.json, data/unit_test/tests.py, inputs in data/).")
    Path pybenchDir;

    @Option(names = "--tasks", split = ",", description = "Only these task indices (comma-separated).")
    List<String> taskIndices = new ArrayList<>();

    @Option(names = "--categories", description = "TSV mapping task index to category for the summary (e.g. derived/task_index.tsv); default: task.json's category1.")
    Path categoriesFile;

    @Option(names = "--category-column", description = "Column of --categories to use. Default: ${DEFAULT-VALUE}.")
    String categoryColumn = "category5_inferred";

    public Path pybenchDir() { return pybenchDir; }

    public PyBenchTasks load() { return PyBenchTasks.load(pybenchDir); }

    public List<PyBenchTask> selected(PyBenchTasks tasks) {
        return taskIndices.isEmpty() ? tasks.all() : tasks.select(taskIndices);
    }

    public PyBenchCategories categories() {
        return categoriesFile == null ? PyBenchCategories.fromTaskLabels() : PyBenchCategories.load(categoriesFile, categoryColumn);
    }
}
