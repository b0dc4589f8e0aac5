package dev.evalbox.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything that decides what a sandbox is: image, limits, hardening, timeouts, output caps.
 * Hardened by default; every setting can be relaxed through the builder. Records compare by value,
 * so a spec is also the key of a {@link SandboxPool}.
 *
 * <pre>{@code SandboxSpec.python().memory("1g").timeout(Duration.ofSeconds(30)).build()}</pre>
 */
public record SandboxSpec(
        String image,
        long memoryBytes,
        double cpus,
        long pidsLimit,
        String networkMode,
        String user,
        boolean readOnlyRoot,
        boolean dropAllCapabilities,
        boolean noNewPrivileges,
        boolean init,
        String workDir,
        long workDirBytes,
        long tmpBytes,
        Duration defaultTimeout,
        Duration interruptGrace,
        Duration startTimeout,
        long maxOutputBytes,
        long maxDisplayBytes,
        DriverMode driverMode,
        String pythonExecutable,
        Map<String, String> env,
        Map<String, String> labels,
        List<Mount> mounts) {

    public static final String DEFAULT_IMAGE = "evalbox/python:latest";

    /** Which Python front end the driver uses inside the sandbox. */
    public enum DriverMode {
        /** IPython when importable (Jupyter semantics), plain Python otherwise. */
        AUTO,
        /** Plain Python: last-expression display and figures, no magics. */
        PLAIN
    }

    public SandboxSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(defaultTimeout, "defaultTimeout");
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        mounts = List.copyOf(mounts);
        if (memoryBytes < 32L << 20) throw new IllegalArgumentException("memory must be at least 32m, got " + memoryBytes + " bytes");
        if (cpus <= 0) throw new IllegalArgumentException("cpus must be positive, got " + cpus);
        if (pidsLimit < 8) throw new IllegalArgumentException("pids limit must be at least 8, got " + pidsLimit);
    }

    /**
     * A host file or directory made visible in the sandbox. A relative {@code sandboxPath} is under
     * the work dir. Docker bind-mounts it (read-only unless asked); the local backend links it into
     * its work dir and cannot enforce read-only.
     */
    public record Mount(Path hostPath, String sandboxPath, boolean readOnly) {
        public Mount {
            hostPath = hostPath.toAbsolutePath().normalize();
            if (sandboxPath.isBlank()) throw new IllegalArgumentException("empty sandbox path for mount of " + hostPath);
        }

        /** The absolute path inside a sandbox whose work dir is {@code workDir}. */
        public String resolvedIn(String workDir) {
            return sandboxPath.startsWith("/") ? sandboxPath : workDir.replaceAll("/+$", "") + "/" + sandboxPath;
        }
    }

    /** A builder with evalbox's hardened defaults for a Python sandbox. */
    public static Builder python() { return new Builder(); }

    public Builder toBuilder() { return new Builder(this); }

    /** Parses sizes such as {@code 512m}, {@code 1g}, {@code 64k} or plain bytes. */
    public static long parseSize(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT).replaceAll("i?b$", "");
        if (s.isEmpty()) throw new IllegalArgumentException("empty size");
        long unit = switch (s.charAt(s.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1L;
        };
        String digits = unit == 1L ? s : s.substring(0, s.length() - 1);
        try {
            return Math.round(Double.parseDouble(digits) * unit);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a size: \"" + text + "\" (use e.g. 512m, 1g)");
        }
    }

    public static final class Builder {
        private String image = DEFAULT_IMAGE;
        private long memoryBytes = 1L << 30;
        private double cpus = 1.0;
        private long pidsLimit = 256;
        private String networkMode = "none";
        private String user = "1000:1000";
        private boolean readOnlyRoot = true;
        private boolean dropAllCapabilities = true;
        private boolean noNewPrivileges = true;
        // No docker-init: the driver is the container's PID 1 and reaps orphans itself. docker-init would hold the
        // attach pipes as its fds 0-2, where any process of the sandbox's user could open them and write protocol lines.
        private boolean init = false;
        private String workDir = "/work";
        private long workDirBytes = 512L << 20;
        private long tmpBytes = 64L << 20;
        private Duration defaultTimeout = Duration.ofSeconds(60);
        private Duration interruptGrace = Duration.ofSeconds(3);
        private Duration startTimeout = Duration.ofSeconds(60);
        private long maxOutputBytes = 1L << 20;
        private long maxDisplayBytes = 16L << 20;
        private DriverMode driverMode = DriverMode.AUTO;
        private String pythonExecutable = "python3";
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<Mount> mounts = new ArrayList<>();

        Builder() { }

        Builder(SandboxSpec spec) {
            image = spec.image; memoryBytes = spec.memoryBytes; cpus = spec.cpus; pidsLimit = spec.pidsLimit;
            networkMode = spec.networkMode; user = spec.user; readOnlyRoot = spec.readOnlyRoot;
            dropAllCapabilities = spec.dropAllCapabilities; noNewPrivileges = spec.noNewPrivileges; init = spec.init;
            workDir = spec.workDir; workDirBytes = spec.workDirBytes; tmpBytes = spec.tmpBytes;
            defaultTimeout = spec.defaultTimeout; interruptGrace = spec.interruptGrace; startTimeout = spec.startTimeout;
            maxOutputBytes = spec.maxOutputBytes; maxDisplayBytes = spec.maxDisplayBytes; driverMode = spec.driverMode;
            pythonExecutable = spec.pythonExecutable; env.putAll(spec.env); labels.putAll(spec.labels);
            mounts.addAll(spec.mounts);
        }

        public Builder image(String image) { this.image = image; return this; }
        public Builder memory(String size) { this.memoryBytes = parseSize(size); return this; }
        public Builder memoryBytes(long bytes) { this.memoryBytes = bytes; return this; }
        public Builder cpus(double cpus) { this.cpus = cpus; return this; }
        public Builder pidsLimit(long limit) { this.pidsLimit = limit; return this; }
        /** Docker network mode; "none" (the default) means no network at all. */
        public Builder network(String mode) { this.networkMode = mode; return this; }
        public Builder user(String user) { this.user = user; return this; }
        public Builder readOnlyRoot(boolean readOnly) { this.readOnlyRoot = readOnly; return this; }
        public Builder dropAllCapabilities(boolean drop) { this.dropAllCapabilities = drop; return this; }
        public Builder noNewPrivileges(boolean flag) { this.noNewPrivileges = flag; return this; }
        /**
         * Docker's {@code --init}. Off by default: docker-init keeps the container's stdin/stdout (the protocol) open
         * where the cells' processes, running as the same user, can reach them through /proc/1/fd; turned on, model
         * code can forge the driver's messages.
         */
        public Builder init(boolean init) { this.init = init; return this; }
        public Builder workDir(String dir) { this.workDir = dir; return this; }
        public Builder workDirSize(String size) { this.workDirBytes = parseSize(size); return this; }
        public Builder tmpSize(String size) { this.tmpBytes = parseSize(size); return this; }
        /** The default per-cell time limit. */
        public Builder timeout(Duration timeout) { this.defaultTimeout = timeout; return this; }
        /** How long an interrupted cell may take to stop before the session is killed and restarted. */
        public Builder interruptGrace(Duration grace) { this.interruptGrace = grace; return this; }
        public Builder startTimeout(Duration timeout) { this.startTimeout = timeout; return this; }
        /** Cap on stream output per cell; the rest is dropped and counted. */
        public Builder maxOutput(String size) { this.maxOutputBytes = parseSize(size); return this; }
        /** Cap on rich (display) output per cell. */
        public Builder maxDisplay(String size) { this.maxDisplayBytes = parseSize(size); return this; }
        public Builder driverMode(DriverMode mode) { this.driverMode = mode; return this; }
        /** The interpreter to start: inside the image for Docker, on the host for the local backend. */
        public Builder pythonExecutable(String executable) { this.pythonExecutable = executable; return this; }
        public Builder env(String name, String value) { this.env.put(name, value); return this; }
        public Builder label(String name, String value) { this.labels.put(name, value); return this; }
        /** Makes a host file or directory visible, read-only, at {@code sandboxPath} (relative: under the work dir). */
        public Builder mount(Path hostPath, String sandboxPath) { this.mounts.add(new Mount(hostPath, sandboxPath, true)); return this; }
        public Builder mountWritable(Path hostPath, String sandboxPath) { this.mounts.add(new Mount(hostPath, sandboxPath, false)); return this; }

        public SandboxSpec build() {
            return new SandboxSpec(image, memoryBytes, cpus, pidsLimit, networkMode, user, readOnlyRoot,
                    dropAllCapabilities, noNewPrivileges, init, workDir, workDirBytes, tmpBytes, defaultTimeout,
                    interruptGrace, startTimeout, maxOutputBytes, maxDisplayBytes, driverMode, pythonExecutable,
                    env, labels, mounts);
        }
    }
}
