package dev.evalbox.agentloop.loop;

import java.util.Locale;

/** Why a task's loop ended. */
public enum StopReason {
    /** The model replied without code: its answer is final. */
    NO_CODE,
    /** The turn limit was reached. */
    MAX_TURNS,
    /** The model call failed for good (recorded as an error event). */
    MODEL_ERROR,
    /** The task's wall-clock budget ran out. */
    WALL_CLOCK,
    /** The task's token budget ran out. */
    TOKEN_BUDGET;

    public String key() { return name().toLowerCase(Locale.ROOT); }
}
