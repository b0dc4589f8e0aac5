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
 * Everything that decides what a sandbox is: image, limits, timeouts, output caps, the inputs it
 * starts with. Hardened by default; every setting can be relaxed through the builder. Records
 * compare by value, so a spec is also the key of a {@link SandboxPool}.
 *
 * <p>The portable part is {@link #limits()}, which every backend reads; settings only one backend
 * understands go into {@link #backendOptions()} under keys prefixed with the backend's name
 * ({@code docker.user}, {@code docker.tmp-size}, ...), which the other backends ignore.
 *
 * <pre>{@code SandboxSpec.python().memory("1g").timeout(Duration.ofSeconds(30)).build()}</pre>
 *
 * @param image          the container image, for backends that run images (the local backend ignores it)
 * @param inputs         host files and directories every session sees from its start (and after a restart)
 * @param backendOptions backend-specific settings, "name.option" to value
 */
public record SandboxSpec(
        String image,
        SandboxLimits limits,
        String workDir,
        Duration interruptGrace,
        Duration startTimeout,
        long maxOutputBytes,
        long maxDisplayBytes,
        DriverMode driverMode,
        String pythonExecutable,
        Map<String, String> env,
        Map<String, String> labels,
        List<Input> inputs,
        Map<String, String> backendOptions) {

    public static final String DEFAULT_IMAGE = "evalbox/python:latest";

    /** Which Python front end the driver uses inside the sandbox. */
    public enum DriverMode {
        /** IPython when importable (Jupyter semantics), plain Python otherwise. */
        AUTO,
        /** Plain Python: last-expression display and figures, no magics. */
        PLAIN;

        /** The value of EVALBOX_DRIVER_MODE; Locale.ROOT, or a Turkish default locale sends "plaın". */
        public String protocolName() { return name().toLowerCase(Locale.ROOT); }
    }

    public SandboxSpec {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(limits, "limits");
        env = Map.copyOf(env);
        labels = Map.copyOf(labels);
        inputs = List.copyOf(inputs);
        backendOptions = Map.copyOf(backendOptions);
    }

    // Shorthands for the limits callers read most.
    public long memoryBytes() { return limits.memoryBytes(); }
    public double cpus() { return limits.cpus(); }
    public long pidsLimit() { return limits.pids(); }
    public Duration defaultTimeout() { return limits.cellTimeout(); }
    public boolean readOnlyRoot() { return limits.readOnlyRoot(); }

    /** "none" without a network; otherwise Docker's network mode ({@code docker.network}, default "bridge"), as run records show it. */
    public String networkMode() { return limits.network() ? backendOption(DockerOptions.NETWORK, "bridge") : "none"; }

    /** A backend-specific option, or {@code fallback} when the spec does not set it. */
    public String backendOption(String key, String fallback) { return backendOptions.getOrDefault(key, fallback); }

    /**
     * A host file or directory the sandbox sees at {@code sandboxPath} (relative: under the work
     * dir) from the start of every session. Read it, do not write it: the backend places it as it
     * can do best, and says how in docs/sandbox.md. Docker with an engine on this machine mounts it
     * read-only; elsewhere (a remote engine, a cluster, the local backend) it is uploaded through
     * the driver when a session starts, a private copy whose changes never reach the host. No
     * caller depends on a host path being shared, so inputs work where the sandbox runs far away.
     */
    public record Input(Path hostPath, String sandboxPath) {
        public Input {
            hostPath = hostPath.toAbsolutePath().normalize();
            if (sandboxPath.isBlank()) throw new IllegalArgumentException("empty sandbox path for the input " + hostPath);
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
        private long memoryBytes;
        private double cpus;
        private long pids;
        private Duration cellTimeout;
        private boolean network;
        private boolean readOnlyRoot;
        private long workDirBytes;
        private String workDir = "/work";
        private Duration interruptGrace = Duration.ofSeconds(3);
        private Duration startTimeout = Duration.ofSeconds(60);
        private long maxOutputBytes = 1L << 20;
        private long maxDisplayBytes = 16L << 20;
        private DriverMode driverMode = DriverMode.AUTO;
        private String pythonExecutable = "python3";
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<Input> inputs = new ArrayList<>();
        private final Map<String, String> backendOptions = new LinkedHashMap<>();

        Builder() { limits(SandboxLimits.defaults()); }

        Builder(SandboxSpec spec) {
            image = spec.image; limits(spec.limits); workDir = spec.workDir;
            interruptGrace = spec.interruptGrace; startTimeout = spec.startTimeout;
            maxOutputBytes = spec.maxOutputBytes; maxDisplayBytes = spec.maxDisplayBytes; driverMode = spec.driverMode;
            pythonExecutable = spec.pythonExecutable; env.putAll(spec.env); labels.putAll(spec.labels);
            inputs.addAll(spec.inputs); backendOptions.putAll(spec.backendOptions);
        }

        public Builder image(String image) { this.image = image; return this; }

        /** All portable limits at once. */
        public Builder limits(SandboxLimits limits) {
            memoryBytes = limits.memoryBytes(); cpus = limits.cpus(); pids = limits.pids(); cellTimeout = limits.cellTimeout();
            network = limits.network(); readOnlyRoot = limits.readOnlyRoot(); workDirBytes = limits.workDirBytes();
            return this;
        }

        public Builder memory(String size) { this.memoryBytes = parseSize(size); return this; }
        public Builder memoryBytes(long bytes) { this.memoryBytes = bytes; return this; }
        public Builder cpus(double cpus) { this.cpus = cpus; return this; }
        public Builder pidsLimit(long limit) { this.pids = limit; return this; }
        /** Whether the sandbox may reach a network at all (default: no). */
        public Builder network(boolean enabled) {
            this.network = enabled;
            if (!enabled) backendOptions.remove(DockerOptions.NETWORK);
            return this;
        }
        /** Docker's network mode: "none" (the default) means no network at all; any other mode turns the network on. */
        public Builder network(String mode) {
            if ("none".equals(mode)) return network(false);
            this.network = true;
            backendOptions.put(DockerOptions.NETWORK, mode);
            return this;
        }
        public Builder readOnlyRoot(boolean readOnly) { this.readOnlyRoot = readOnly; return this; }
        public Builder workDirSize(String size) { this.workDirBytes = parseSize(size); return this; }
        /** The default per-cell time limit. */
        public Builder timeout(Duration timeout) { this.cellTimeout = timeout; return this; }

        /** A backend-specific option ("docker.user", ...); backends ignore the options of others. */
        public Builder backendOption(String key, String value) { this.backendOptions.put(key, value); return this; }
        /** Docker: the user the code runs as (default the image's unprivileged 1000:1000). */
        public Builder user(String user) { return backendOption(DockerOptions.USER, user); }
        /** Docker: drop every capability (default true). */
        public Builder dropAllCapabilities(boolean drop) { return backendOption(DockerOptions.DROP_ALL_CAPABILITIES, Boolean.toString(drop)); }
        /** Docker: no-new-privileges (default true). */
        public Builder noNewPrivileges(boolean flag) { return backendOption(DockerOptions.NO_NEW_PRIVILEGES, Boolean.toString(flag)); }
        /**
         * Docker's {@code --init} (default false). Off by default: the driver is the container's PID 1 and reaps
         * orphans itself, while docker-init would keep the container's stdin/stdout (the protocol) open where the
         * cells' processes, running as the same user, can reach them through /proc/1/fd; turned on, model code can
         * forge the driver's messages.
         */
        public Builder init(boolean init) { return backendOption(DockerOptions.INIT, Boolean.toString(init)); }
        /** Docker: the size of the /tmp tmpfs (default 64m). */
        public Builder tmpSize(String size) { return backendOption(DockerOptions.TMP_SIZE, Long.toString(parseSize(size))); }

        public Builder workDir(String dir) { this.workDir = dir; return this; }
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
        /** A host file or directory every session sees at {@code sandboxPath} (relative: under the work dir); see {@link Input}. */
        public Builder input(Path hostPath, String sandboxPath) { this.inputs.add(new Input(hostPath, sandboxPath)); return this; }

        public SandboxSpec build() {
            return new SandboxSpec(image, new SandboxLimits(memoryBytes, cpus, pids, cellTimeout, network, readOnlyRoot, workDirBytes),
                    workDir, interruptGrace, startTimeout, maxOutputBytes, maxDisplayBytes, driverMode, pythonExecutable,
                    env, labels, inputs, backendOptions);
        }
    }
}
