package dev.evalbox.sandbox;

/**
 * The Docker backend's own settings, read from {@link SandboxSpec#backendOptions()} ("docker.*" keys)
 * with evalbox's hardened defaults for what a spec does not set.
 */
record DockerOptions(String user, boolean dropAllCapabilities, boolean noNewPrivileges, boolean init, long tmpBytes,
                     String networkMode, boolean mountInputs) {
    static final String USER = "docker.user";
    static final String DROP_ALL_CAPABILITIES = "docker.drop-all-capabilities";
    static final String NO_NEW_PRIVILEGES = "docker.no-new-privileges";
    static final String INIT = "docker.init";
    static final String TMP_SIZE = "docker.tmp-size";
    /** The network mode when the limits allow a network (default "bridge"); with no network it is always "none". */
    static final String NETWORK = "docker.network";

    /**
     * How the spec's inputs get into the container: "mount" (read-only bind mounts; the default when
     * the engine runs on this machine, as the host paths are then the engine's) or "upload" (through
     * the driver; the default for a remote engine, whose host has none of our files).
     */
    static final String INPUTS = "docker.inputs";

    static DockerOptions of(SandboxSpec spec) {
        String inputs = spec.backendOption(INPUTS, DockerEngine.isLocal() ? "mount" : "upload");
        if (!inputs.equals("mount") && !inputs.equals("upload")) {
            throw new IllegalArgumentException("backend option " + INPUTS + " must be mount or upload, got \"" + inputs + "\"");
        }
        return new DockerOptions(
                spec.backendOption(USER, "1000:1000"),
                flag(spec, DROP_ALL_CAPABILITIES, "true"),
                flag(spec, NO_NEW_PRIVILEGES, "true"),
                flag(spec, INIT, "false"), // the driver is PID 1: see SandboxSpec.Builder#init
                SandboxSpec.parseSize(spec.backendOption(TMP_SIZE, "64m")),
                spec.networkMode(),
                inputs.equals("mount"));
    }

    private static boolean flag(SandboxSpec spec, String key, String byDefault) {
        String value = spec.backendOption(key, byDefault);
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException("backend option " + key + " must be true or false, got \"" + value + "\"");
        }
        return Boolean.parseBoolean(value);
    }

    String uid() { return user.split(":")[0]; }

    String gid() {
        String[] parts = user.split(":");
        return parts.length > 1 ? parts[1] : parts[0];
    }
}
