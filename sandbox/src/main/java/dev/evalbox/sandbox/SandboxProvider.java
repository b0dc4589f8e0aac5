package dev.evalbox.sandbox;

/** Starts sandboxes on one backend (Docker, a local child process). */
public interface SandboxProvider extends AutoCloseable {

    /** "docker" or "local". */
    String backend();

    /** Starts a sandbox and waits until its driver is ready. */
    Sandbox open(SandboxSpec spec);

    /** Destroys what the provider still holds (containers of sandboxes not closed). */
    @Override
    default void close() { }
}
