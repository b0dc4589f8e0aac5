package dev.evalbox.unittests.humanevalv;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One HumanEval-V task as loaded: its image (the v0.1 "image" or the v2 "diagram"), the code context,
 * the test, the ground truth, and the description (v0.1 image_description, v2
 * ground_truth_diagram_description); {@code taskType} and {@code capabilityAspects} (aspect name to its labels) only in
 * v2, else null and empty.
 */
public record HumanEvalVItem(String qid, HumanEvalVGrader.Version version, Path image, String functionSignature, String testScript,
                             String groundTruthSolution, String description, String taskType,
                             Map<String, List<String>> capabilityAspects) implements dev.evalbox.unittests.eval.EvalTask {

    public HumanEvalVItem {
        Map<String, List<String>> aspects = new TreeMap<>();
        if (capabilityAspects != null) capabilityAspects.forEach((aspect, labels) -> aspects.put(aspect, List.copyOf(labels)));
        capabilityAspects = Collections.unmodifiableMap(aspects);
    }

    @Override
    public String id() { return qid; }

    @Override
    public Map<String, String> metadata() { return taskType == null ? Map.of() : Map.of("category", taskType); }

    public HumanEvalVTask task() { return new HumanEvalVTask(qid, functionSignature, testScript); }
}
