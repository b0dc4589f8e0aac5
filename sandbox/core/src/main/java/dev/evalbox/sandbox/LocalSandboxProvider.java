package dev.evalbox.sandbox;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs the driver as a plain child process in a temporary work dir. NOT isolated: the code runs
 * with the user's rights, network and files. For trusted code and machines without Docker.
 * Of the spec's limits only the cell time limit applies (and the output caps); memory, CPUs, pids,
 * network, read-only root and the work dir's size do not.
 */
public final class LocalSandboxProvider implements SandboxProvider {
    private final AtomicBoolean reaped = new AtomicBoolean();

    @Override
    public String name() { return "local"; }

    @Override
    public int priority() { return 0; }

    @Override
    public boolean isolated() { return false; }

    @Override
    public Set<SandboxLimits.Limit> enforces() { return EnumSet.of(SandboxLimits.Limit.TIME); }

    @Override
    public Availability available(SandboxSpec spec) {
        String python = resolvePython(spec.pythonExecutable());
        return findExecutable(python) ? Availability.yes()
                : Availability.no("no Python interpreter " + python + " on this machine (install Python 3, or pass another with --python)");
    }

    @Override
    public Sandbox open(SandboxSpec spec) {
        if (reaped.compareAndSet(false, true)) reap(); // as Docker does: what killed JVMs left goes first
        String python = resolvePython(spec.pythonExecutable());
        return new DriverSandbox(name(), spec, () -> LocalSandboxProcess.start(python, spec));
    }

    /** Removes the work dirs (and processes still in them) of local sandboxes whose JVM is gone. */
    @Override
    public int reap() { return LocalWorkDirs.reap(); }

    /**
     * "python3" on PATH may be a version manager's shim without the packages; Debian's own
     * interpreter is preferred when the spec asks for the default.
     */
    static String resolvePython(String requested) {
        if ("python3".equals(requested) && Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return "/usr/bin/python3";
        }
        return requested;
    }

    private static boolean findExecutable(String command) {
        if (command.contains(File.separator)) return Files.isExecutable(Path.of(command));
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, command))) return true;
        }
        return false;
    }
}
