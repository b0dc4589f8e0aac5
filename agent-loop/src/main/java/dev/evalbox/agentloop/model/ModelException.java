package dev.evalbox.agentloop.model;

/** A model call failed for good (after retries where they apply); the kind says how, for the trajectory. */
public final class ModelException extends RuntimeException {
    /** How a call failed. */
    public enum Kind { HTTP_STATUS, TIMEOUT, CONNECTION, MALFORMED_RESPONSE, EMPTY_RESPONSE, NO_MORE_TURNS }

    private final Kind kind;
    private final int attempts;

    public ModelException(Kind kind, String message, int attempts) {
        super(message);
        this.kind = kind;
        this.attempts = attempts;
    }

    public Kind kind() { return kind; }

    public int attempts() { return attempts; }
}
