package dev.evalbox.sandbox;

/** The driver's output ended while requests were pending: the sandbox process is gone. */
final class SandboxDiedException extends SandboxException {
    SandboxDiedException(String message, Throwable cause) { super(message, cause); }
}
