package dev.evalbox.cli;

import dev.evalbox.unittests.pybench.PyBenchCategories;
import dev.evalbox.unittests.pybench.PyBenchTask;
import dev.evalbox.unittests.pybench.PyBenchTasks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options shared by the PyBench commands: the checkout, which tasks, and the categories of the summary. */
final class PyBenchOptions {
    @Option(names = "--pybench-dir", required = true, description = "A PyBench checkout (data/meta/task.json, data/unit_test/tests.py, inputs in data/).")
    Path pybenchDir;

    @Option(names = "--tasks", split = ",", description = "Only these task indices (comma-separated).")
    List<String> taskIndices = new ArrayList<>();

    @Option(names = "--categories", description = "TSV mapping task index to category for the summary (e.g. derived/task_index.tsv); default: task.json's category1.")
    Path categoriesFile;

    @Option(names = "--category-column", description = "Column of --categories to use. Default: ${DEFAULT-VALUE}.")
    String categoryColumn = "category5_inferred";

    PyBenchTasks load() { return PyBenchTasks.load(pybenchDir); }

    List<PyBenchTask> selected(PyBenchTasks tasks) {
        return taskIndices.isEmpty() ? tasks.all() : tasks.select(taskIndices);
    }

    PyBenchCategories categories() {
        return categoriesFile == null ? PyBenchCategories.fromTaskLabels() : PyBenchCategories.load(categoriesFile, categoryColumn);
    }
}
