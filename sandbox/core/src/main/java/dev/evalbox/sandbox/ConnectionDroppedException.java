package dev.evalbox.sandbox;

import java.io.IOException;

/**
 * The connection between the harness and a running driver dropped (a pod's attach connection, say) while the
 * driver itself ran on: a backend throws it from {@link SandboxProcess#write} when the bytes could not go out
 * whole, and {@link DriverConnection} fails with it the requests that were written but not answered before
 * the drop. Nothing is sent again: a request that may have reached the driver must not run twice.
 */
public final class ConnectionDroppedException extends IOException {
    private final boolean mayHaveArrived;

    /**
     * @param mayHaveArrived whether some or all of the request may have reached the driver (false: none of it went out)
     */
    public ConnectionDroppedException(String message, boolean mayHaveArrived) {
        super(message);
        this.mayHaveArrived = mayHaveArrived;
    }

    /** False only when none of the request went out, so it certainly did not run. */
    public boolean mayHaveArrived() { return mayHaveArrived; }
}
