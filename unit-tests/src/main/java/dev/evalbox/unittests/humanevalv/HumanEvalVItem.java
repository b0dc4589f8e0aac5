package dev.evalbox.unittests.humanevalv;

import java.nio.file.Path;

/**
 * One HumanEval-V task as loaded: its image (the v0.1 "image" or the v2 "diagram"), the code context,
 * the test, the ground truth, and the description (v0.1 image_description, v2
 * ground_truth_diagram_description); {@code taskType} only in v2.
 */
public record HumanEvalVItem(String qid, HumanEvalVGrader.Version version, Path image, String functionSignature, String testScript,
                             String groundTruthSolution, String description, String taskType) {

    public HumanEvalVTask task() { return new HumanEvalVTask(qid, functionSignature, testScript); }
}
