package dev.evalbox.sandbox;

import java.io.IOException;
import java.time.Duration;

/**
 * One running driver process of a backend (a container, a child process, a pod): bytes in, bytes
 * out, and how it ended. A {@link DriverSandbox} owns one at a time and replaces it on restart.
 * This is all a new backend implements: it starts {@link DriverSource#command} with
 * {@link DriverSource#environment} in its sandbox and hands a launcher of these to
 * {@link DriverSandbox}, which speaks the driver protocol over it.
 */
public interface SandboxProcess {

    /** A short identifier (container id, pod name, "local-" + pid) for logs and messages. */
    String id();

    /**
     * Whether this process's sandbox already has the spec's {@link SandboxSpec#inputs() inputs}
     * (the backend mounted them); if not, {@link DriverSandbox} uploads them once the driver is ready.
     */
    default boolean inputsInPlace() { return false; }

    /**
     * The driver's pid as this machine sees it, when the sandbox runs here (a local process, a container of
     * a local engine); empty otherwise (a remote engine, a pod). With it, a cell that is late to stop at its
     * deadline is given more time while its processes wait for a CPU rather than run (see {@link DriverSandbox}).
     */
    default java.util.OptionalLong hostPid() { return java.util.OptionalLong.empty(); }

    /** Starts delivering the driver's stdout to the sink; call once, before anything is written. */
    void connect(ProtocolSink sink);

    /**
     * Writes bytes to the driver's stdin and flushes them. A backend whose connection can drop while the driver
     * runs throws {@link ConnectionDroppedException} when the bytes could not go out whole.
     */
    void write(byte[] bytes) throws IOException;

    /** Waits for the process to end and says how it ended; null if it is still running at the deadline. */
    ExitInfo awaitExit(Duration timeout);

    /** Kills the process (and everything it started) and frees what it held; idempotent. */
    void destroy();

    /**
     * How a sandbox process ended; {@code reason}, when not null, says it in words a backend knows better than
     * an exit code (a pod evicted from its node, stopped at its deadline), completing "the interpreter ...".
     */
    record ExitInfo(Integer exitCode, boolean oomKilled, String reason) {
        public ExitInfo(Integer exitCode, boolean oomKilled) { this(exitCode, oomKilled, null); }

        public String describe() {
            if (oomKilled) return "killed for running out of memory";
            if (reason != null) return reason;
            if (exitCode == null) return "ended";
            if (exitCode > 128) return "killed by signal " + (exitCode - 128) + " (exit code " + exitCode + ")";
            return "exited with code " + exitCode;
        }
    }

    /** Receives the driver's output as it arrives. */
    interface ProtocolSink {
        void onStdout(byte[] bytes, int offset, int length);

        void onStderr(byte[] bytes, int offset, int length);

        /** The output ended: the process exited or the connection to it broke. */
        void onEnd(Throwable cause);

        /**
         * The connection to the driver dropped and is being made again while the driver runs on (a backend whose
         * connection is remote; {@code why} in a few words). Requests written before it may or may not have reached
         * the driver, and what the driver said meanwhile is lost: their waiters fail with a
         * {@link ConnectionDroppedException}, and nothing is sent again. A backend calls it before anything goes out
         * on the new connection, makes writes wait for that connection meanwhile, and starts it with a newline
         * (which ends a request the drop cut short: the driver ignores blank lines).
         */
        default void onDropped(String why) { }
    }
}
