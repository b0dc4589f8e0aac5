package dev.evalbox.sandbox;

import java.time.Duration;
import java.util.Objects;

/**
 * The limits every backend understands, whatever it runs on (a container, a pod, a child process).
 * A backend enforces those it can and says which in {@link SandboxProvider#enforces}; the rest of a
 * spec that only one backend understands lives in {@link SandboxSpec#backendOptions()}.
 *
 * @param memoryBytes    memory of the whole sandbox (no swap beyond it)
 * @param cpus           CPU share, in CPUs
 * @param pids           processes and threads at once
 * @param cellTimeout    a cell's default time limit
 * @param network        whether the sandbox may reach any network (false: not even the host's)
 * @param readOnlyRoot   whether the file system outside the work dir and /tmp is read-only
 * @param workDirBytes   the size of the work dir
 */
public record SandboxLimits(long memoryBytes, double cpus, long pids, Duration cellTimeout, boolean network,
                            boolean readOnlyRoot, long workDirBytes) {

    /** One limit, for saying which a backend enforces. */
    public enum Limit { MEMORY, CPUS, PIDS, TIME, NETWORK, READ_ONLY_ROOT, WORK_DIR_SIZE }

    public SandboxLimits {
        Objects.requireNonNull(cellTimeout, "cellTimeout");
        if (memoryBytes < 32L << 20) throw new IllegalArgumentException("memory must be at least 32m, got " + memoryBytes + " bytes");
        if (cpus <= 0) throw new IllegalArgumentException("cpus must be positive, got " + cpus);
        if (pids < 8) throw new IllegalArgumentException("pids limit must be at least 8, got " + pids);
        if (workDirBytes < 1L << 20) throw new IllegalArgumentException("the work dir must be at least 1m, got " + workDirBytes + " bytes");
    }

    /** evalbox's defaults: 1 GiB, 1 CPU, 256 processes, 60 s per cell, no network, read-only root, 512 MiB work dir. */
    public static SandboxLimits defaults() {
        return new SandboxLimits(1L << 30, 1.0, 256, Duration.ofSeconds(60), false, true, 512L << 20);
    }
}
