package dev.evalbox.unittests.artifactsbench;

/** A task with the answer given to it: {@code null} when there is none (not in the answers file, or the model call failed). */
public record ArtifactsAnswer(ArtifactsTask task, String answer) { }
