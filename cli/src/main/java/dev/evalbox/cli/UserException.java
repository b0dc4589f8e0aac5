package dev.evalbox.cli;

/** A failure the user can fix; the message says how. */
final class UserException extends RuntimeException {
    UserException(String message) { super(message); }
}
