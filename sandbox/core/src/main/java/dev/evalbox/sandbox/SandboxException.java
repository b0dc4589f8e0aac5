package dev.evalbox.sandbox;

/** A sandbox could not be started or could not do what was asked; the message says why and what to do. */
public class SandboxException extends RuntimeException {
    public SandboxException(String message) { super(message); }

    public SandboxException(String message, Throwable cause) { super(message, cause); }
}
