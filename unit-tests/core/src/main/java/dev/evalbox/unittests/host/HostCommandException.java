package dev.evalbox.unittests.host;

/** A host command could not start, was stopped at its timeout, or was interrupted; the message names the command. */
public final class HostCommandException extends RuntimeException {
    private final boolean timedOut;

    HostCommandException(String message, boolean timedOut, Throwable cause) {
        super(message, cause);
        this.timedOut = timedOut;
    }

    /** True when the watchdog stopped the command at its timeout. */
    public boolean timedOut() { return timedOut; }
}
