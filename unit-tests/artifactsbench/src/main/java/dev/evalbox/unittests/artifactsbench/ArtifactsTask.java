package dev.evalbox.unittests.artifactsbench;

import dev.evalbox.unittests.eval.EvalTask;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One ArtifactsBench task: the question, its 10-item checklist, its class ("Category-Subcategory") and difficulty. */
public record ArtifactsTask(String index, String question, List<ChecklistItem> checklist, String category, String difficulty)
        implements EvalTask {

    /** One checklist item the judge scores. */
    public record ChecklistItem(int id, String title, String description, int maxScore) { }

    public ArtifactsTask {
        checklist = List.copyOf(checklist);
    }

    @Override
    public String id() { return index; }

    /** The category (the class's prefix, what the metrics group by) and the difficulty, in every result row. */
    @Override
    public Map<String, String> metadata() {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("category", categoryPrefix());
        metadata.put("difficulty", difficulty);
        return metadata;
    }

    /** The part of the class before the first "-": Game Development, SVG Generation, Web Applications, ... */
    public String categoryPrefix() {
        int dash = category.indexOf('-');
        return dash < 0 ? category : category.substring(0, dash);
    }
}
