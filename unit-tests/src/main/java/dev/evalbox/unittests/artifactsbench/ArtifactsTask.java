package dev.evalbox.unittests.artifactsbench;

import java.util.List;

/** One ArtifactsBench task: the question, its 10-item checklist, its class ("Category-Subcategory") and difficulty. */
public record ArtifactsTask(String index, String question, List<ChecklistItem> checklist, String category, String difficulty) {

    /** One checklist item the judge scores. */
    public record ChecklistItem(int id, String title, String description, int maxScore) { }

    public ArtifactsTask {
        checklist = List.copyOf(checklist);
    }

    /** The part of the class before the first "-": Game Development, SVG Generation, Web Applications, ... */
    public String categoryPrefix() {
        int dash = category.indexOf('-');
        return dash < 0 ? category : category.substring(0, dash);
    }
}
