package dev.evalbox.unittests.compare;

/**
 * One attempt of a task in a pass/fail run as {@code evalbox compare} links to it: its epoch ({@code --epochs},
 * 1 without), its sample (HumanEval-V's {@code --samples}, 0 without) and its verdict (a row without one failed).
 */
public record TaskAttempt(int epoch, int sample, boolean passed) {

    /**
     * The id of the attempt's entry in the run's report.html: the task's for epoch 1, "ID-epoch-N" after
     * (report.html names an attempt "ID epoch N", with spaces made dashes in the id).
     */
    public String reportAnchor(String task) {
        String name = epoch > 1 ? task + " epoch " + epoch : task;
        return "task-" + name.replace(' ', '-');
    }
}
