package dev.evalbox.unittests.eval;

/** How the tasks of a run are attempted: by a model now, or from answers recorded before. */
public enum EvalMode {
    /** {@code evalbox run NAME}: a model attempts each task. */
    RUN("run"),
    /** {@code evalbox grade NAME}: recorded answers (a trajectory file, an answers file) are scored. */
    GRADE("grade");

    private final String verb;

    EvalMode(String verb) { this.verb = verb; }

    /** "run" or "grade", as on the command line and in run.json's {@code kind}. */
    public String verb() { return verb; }
}
