package dev.evalbox.sandbox;

/** How a cell ended. */
public enum ExecutionStatus {
    /** Ran to the end. */
    OK,
    /** Raised an exception (the outputs hold it). */
    ERROR,
    /** Hit its time limit; {@link ExecutionResult#stateLost()} says whether the session had to be restarted. */
    TIMEOUT,
    /** The interpreter died (killed itself, segfault, exit); the sandbox needs {@link Sandbox#restart()}. */
    CRASHED,
    /** The sandbox ran out of memory and was killed; the sandbox needs {@link Sandbox#restart()}. */
    OOM
}
