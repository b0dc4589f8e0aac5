package dev.evalbox.unittests.eval;

/** How the tasks of a run are attempted: by a model now, from answers recorded before, or replayed from a recorded run. */
public enum EvalMode {
    /** {@code evalbox run NAME}: a model attempts each task. */
    RUN("run"),
    /** {@code evalbox grade NAME}: recorded answers (a trajectory file, an answers file) are scored. */
    GRADE("grade"),
    /** {@code evalbox replay RUN}: a recorded run's conversations rebuilt, or its code run again (the replay benchmark's only mode). */
    REPLAY("replay");

    private final String verb;

    EvalMode(String verb) { this.verb = verb; }

    /** "run", "grade" or "replay", as on the command line and in run.json's {@code kind}. */
    public String verb() { return verb; }
}
