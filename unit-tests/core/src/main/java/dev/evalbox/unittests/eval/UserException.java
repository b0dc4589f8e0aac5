package dev.evalbox.unittests.eval;

/** A failure the user can fix (a missing file, a malformed dataset line); the message says what and how. */
public class UserException extends RuntimeException {
    public UserException(String message) { super(message); }

    public UserException(String message, Throwable cause) { super(message, cause); }
}
