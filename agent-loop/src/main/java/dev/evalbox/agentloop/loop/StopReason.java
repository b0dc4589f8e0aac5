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
    TOKEN_BUDGET,
    /** The task ran code as often as it may (a ReAct benchmark's execution limit): the model is not asked again. */
    EXECUTION_LIMIT,
    /** An observation showed an error, which ends a ReAct benchmark's task (no repair turn). */
    ERROR_OBSERVATION,
    /** A ReAct reply named no action (or an empty one): its text is final. */
    NO_ACTION,
    /** A single generation's reply: a one-turn task's answer ({@link AgentLoop#generation}). */
    ANSWERED;

    /** The reason as run files write it ("no_code", "execution_limit", ...). */
    public String key() { return name().toLowerCase(Locale.ROOT); }
}
