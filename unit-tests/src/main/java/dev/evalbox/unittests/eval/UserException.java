package dev.evalbox.unittests.eval;

/** A failure the user can fix; the message says how. */
public final class UserException extends RuntimeException {
    public UserException(String message) { super(message); }
}
