package dev.evalbox.sandbox;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A sandbox backend (Docker, a local child process, ...): starts sandboxes, says whether it can,
 * and cleans up after JVMs that died holding its sandboxes.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader} (a line with the class name in
 * {@code META-INF/services/dev.evalbox.sandbox.SandboxProvider}), so a backend can live in a module
 * of its own; {@link SandboxProviders} lists them and picks one by name or, for "auto", the
 * available one with the highest {@link #priority()}. A provider needs a public no-argument
 * constructor that does no work: it is made just to be asked {@link #available}; it may connect
 * to what it needs on its first {@link #open}.
 *
 * <p>The contract every provider meets (checked for each by the sandbox module's
 * {@code SandboxProviderContract} test): a sandbox from {@link #open} runs cells with state kept
 * between them, a cell's time limit interrupts it and keeps the state, {@code restart()} gives a
 * fresh session, files go in and out through the sandbox (upload, download, list) and the spec's
 * {@link SandboxSpec#inputs()} are there when it starts; the limits named by {@link #enforces()}
 * hold; {@link #reap()} removes the sandboxes of owners that are gone; {@link #close()} destroys
 * what the provider still holds.
 */
public interface SandboxProvider extends AutoCloseable {

    /** The backend's name, as given to --backend: "docker", "local", ... */
    String name();

    /** Same as {@link #name()}; kept for callers that record the backend of a run. */
    default String backend() { return name(); }

    /** Used by "auto": the available provider with the highest priority is chosen (Docker 100, local 0). */
    int priority();

    /** Whether sandboxes keep the code away from the host (false for the local backend). */
    boolean isolated();

    /** Whether sandboxes of this spec can be started here now, and if not, why, in one line. */
    Availability available(SandboxSpec spec);

    /** The portable limits of {@link SandboxSpec#limits()} this backend enforces; the others are ignored. */
    Set<SandboxLimits.Limit> enforces();

    /** Starts a sandbox and waits until its driver is ready. */
    Sandbox open(SandboxSpec spec);

    /**
     * Removes sandboxes (and what they hold) that JVMs now gone left behind on this host, as told by
     * their {@link SandboxOwner} mark; returns how many. Sandboxes of live JVMs are left alone.
     */
    int reap();

    /**
     * {@link #reap()} where {@code spec} says (a backend option such as the kubernetes namespace) which sandboxes to
     * look at; backends without such a choice reap as {@link #reap()} does (the default).
     */
    default int reap(SandboxSpec spec) { return reap(); }

    /**
     * Checks what this backend needs to run sandboxes of {@code spec} (for a cluster: credentials, permissions, a probe
     * sandbox), telling {@code out} each check as it ends, for {@code evalbox doctor --backend NAME}. The default is
     * one check, {@link #available}; a backend with more to say overrides it.
     */
    default void doctor(SandboxSpec spec, Consumer<SandboxCheck> out) {
        Availability availability = available(spec);
        out.accept(new SandboxCheck(name() + " backend", availability.ok(), "can run sandboxes here", availability.reason()));
    }

    /**
     * What the backend counted so far that a run's record should carry (pods created, requests the backend's
     * API throttled, connections re-made, ...), under snake_case keys in a stable order; read at the end of a
     * run (also once the provider is closed). Empty for a backend that counts nothing (the default).
     */
    default Map<String, Long> counters() { return Map.of(); }

    /** Destroys what the provider still holds (sandboxes not closed). */
    @Override
    default void close() { }

    /** Whether a provider can run sandboxes now; {@code reason} says why not in one line. */
    record Availability(boolean ok, String reason) {
        public static Availability yes() { return new Availability(true, ""); }

        public static Availability no(String reason) { return new Availability(false, reason); }
    }
}
