package dev.evalbox.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs the driver as a plain child process in a temporary work dir. NOT isolated: the code runs
 * with the user's rights, network and files. For trusted code and machines without Docker.
 * Memory, pids, network and read-only settings of the spec do not apply; timeouts and output caps do.
 */
public final class LocalSandboxProvider implements SandboxProvider {

    @Override
    public String backend() { return "local"; }

    @Override
    public Sandbox open(SandboxSpec spec) {
        String python = resolvePython(spec.pythonExecutable());
        return new DriverSandbox(backend(), spec, () -> LocalSandboxProcess.start(python, spec));
    }

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
}
