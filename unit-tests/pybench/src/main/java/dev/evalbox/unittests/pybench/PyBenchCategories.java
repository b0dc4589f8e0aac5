package dev.evalbox.unittests.pybench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which category each task belongs to for the per-category table: either from a TSV the user passes
 * (a header row with "index" and a category column, e.g. derived/task_index.tsv's category5_inferred)
 * or, without one, the task's own Chinese category1 label.
 */
public final class PyBenchCategories {
    private final Map<String, String> byIndex;
    private final String source;

    private PyBenchCategories(Map<String, String> byIndex, String source) {
        this.byIndex = byIndex;
        this.source = source;
    }

    public static PyBenchCategories fromTaskLabels() { return new PyBenchCategories(Map.of(), "category1 of task.json"); }

    public static PyBenchCategories load(Path tsv, String column) {
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv);
        } catch (IOException e) {
            throw new PyBenchDataException("cannot read the category file " + tsv + ": " + e.getMessage(), e);
        }
        if (lines.isEmpty()) throw new PyBenchDataException(tsv + " is empty; expected a header row with \"index\" and \"" + column + "\"");
        List<String> header = List.of(lines.get(0).split("\t", -1));
        int indexColumn = header.indexOf("index");
        int categoryColumn = header.indexOf(column);
        if (indexColumn < 0 || categoryColumn < 0) {
            throw new PyBenchDataException(tsv + ": the header must have columns \"index\" and \"" + column + "\"; it has " + header);
        }
        Map<String, String> byIndex = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) continue;
            String[] cells = lines.get(i).split("\t", -1);
            if (cells.length <= Math.max(indexColumn, categoryColumn)) {
                throw new PyBenchDataException(tsv + " line " + (i + 1) + ": expected at least " + (Math.max(indexColumn, categoryColumn) + 1) + " columns");
            }
            byIndex.put(cells[indexColumn], cells[categoryColumn]);
        }
        return new PyBenchCategories(byIndex, tsv.getFileName() + " (" + column + ")");
    }

    public String of(PyBenchTask task) {
        String category = byIndex.get(task.index());
        if (category != null) return category;
        return task.category1().replaceAll("\\s+", " ").strip();
    }

    public String source() { return source; }
}
