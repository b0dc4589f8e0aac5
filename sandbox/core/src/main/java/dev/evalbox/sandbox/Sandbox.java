package dev.evalbox.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A live, stateful Python session in isolation. Variables persist across {@link #execute} calls
 * until {@link #restart()}; {@link #close()} destroys the session and everything in it.
 */
public interface Sandbox extends AutoCloseable {

    /** A short identifier (container id or process id) for logs and messages. */
    String id();

    SandboxSpec spec();

    /** Which provider runs it: "docker" or "local". */
    String backend();

    /** Runs a cell with the spec's default timeout. */
    default ExecutionResult execute(String code) {
        return execute(code, spec().defaultTimeout(), OutputListener.NONE);
    }

    default ExecutionResult execute(String code, Duration timeout) {
        return execute(code, timeout, OutputListener.NONE);
    }

    /**
     * Runs a cell. At the deadline the cell is interrupted; if it does not stop within the spec's
     * grace period the session is killed and restarted, and the result says its state was lost.
     */
    ExecutionResult execute(String code, Duration timeout, OutputListener listener);

    /** Writes bytes to a path in the sandbox (relative paths are under the work dir); parents are created. */
    void upload(byte[] content, String sandboxPath);

    default void upload(Path localFile, String sandboxPath) {
        try {
            upload(Files.readAllBytes(localFile), sandboxPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + localFile + " for upload", e);
        }
    }

    /** Reads a file from the sandbox. */
    byte[] download(String sandboxPath);

    /** Creates a directory (and its parents) in the sandbox; relative paths are under the work dir. */
    void makeDirectories(String sandboxPath);

    /** Lists a directory of the sandbox, sorted by name. */
    List<FileEntry> list(String sandboxDir);

    /** Interrupts the running cell (KeyboardInterrupt), as Jupyter's interrupt does. */
    void interrupt();

    /** Replaces the session with a fresh one: all variables and files are gone. */
    void restart();

    /** Whether the interpreter is running (false after a crash or OOM until {@link #restart()}). */
    boolean isAlive();

    /** What the driver reported at start: runner ("ipython" or "python") and Python version. */
    SandboxInfo info();

    @Override
    void close();
}
