package dev.evalbox.unittests.eval;

/** Hears how a run goes, for progress displays (a terminal bar, a notebook display). Called from worker threads. */
public interface RunListener {

    /** Work starts: {@code todo} tasks to attempt, {@code done} already recorded by an earlier session of the run. */
    default void started(String benchmark, int todo, int done) { }

    /** A task ended; {@code passed} when all its rows passed. */
    default void taskDone(String taskId, boolean passed) { }

    /** The tasks are over (finished or interrupted); metrics and the report come next. */
    default void tasksOver() { }

    RunListener NONE = new RunListener() { };
}
