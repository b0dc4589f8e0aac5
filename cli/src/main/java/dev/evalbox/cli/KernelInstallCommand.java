package dev.evalbox.cli;

import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.unittests.host.HostCommandException;
import dev.evalbox.unittests.eval.UserException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** Writes the evalbox kernelspec where JupyterLab, Notebook, jupyter console, VS Code and nbclient look for kernels. */
@Command(name = "install", mixinStandardHelpOptions = true,
        description = {"Register the evalbox kernel with Jupyter: writes <kernels dir>/NAME/kernel.json.",
                "Default --user (~/.local/share/jupyter/kernels, or $JUPYTER_DATA_DIR/kernels)."})
final class KernelInstallCommand implements Callable<Integer> {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);

    @ArgGroup(exclusive = true)
    Where where = new Where();

    static final class Where {
        @Option(names = "--user", description = "Install for this user (the default).")
        boolean user;

        @Option(names = "--sys-prefix", description = "Install into the prefix of the Python that runs Jupyter (sys.prefix).")
        boolean sysPrefix;

        @Option(names = "--prefix", paramLabel = "DIR", description = "Install into DIR/share/jupyter/kernels.")
        Path prefix;
    }

    @Option(names = "--name", defaultValue = "evalbox", description = "Kernel name (directory name; default ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--display-name", defaultValue = "evalbox (Java)", description = "Name shown in the launcher (default ${DEFAULT-VALUE}).")
    String displayName;

    @Override
    public Integer call() throws IOException {
        Path spec = Kernelspec.write(kernelsDirectory(), name, displayName);
        System.out.println("installed the evalbox kernel \"" + name + "\" at " + spec);
        return 0;
    }

    private Path kernelsDirectory() {
        if (where.prefix != null) {
            return where.prefix.toAbsolutePath().resolve("share/jupyter/kernels");
        }
        if (where.sysPrefix) {
            return Path.of(pythonSysPrefix()).resolve("share/jupyter/kernels");
        }
        String dataDir = System.getenv("JUPYTER_DATA_DIR");
        if (dataDir != null && !dataDir.isBlank()) {
            return Path.of(dataDir).resolve("kernels");
        }
        return Path.of(System.getProperty("user.home"), ".local", "share", "jupyter", "kernels");
    }

    /** sys.prefix of the first Python that has Jupyter installed: $EVALBOX_PYTHON, python3 on PATH, then /usr/bin/python3. */
    private static String pythonSysPrefix() {
        String configured = System.getenv("EVALBOX_PYTHON");
        for (String python : configured != null ? List.of(configured) : List.of("python3", "/usr/bin/python3")) {
            HostCommand.Result result;
            try {
                result = HostCommand.of(python, "-c", "import sys, jupyter_core; print(sys.prefix)").timeout(PROBE_TIMEOUT).run();
            } catch (HostCommandException e) {
                continue; // not installed, or stuck: try the next Python
            }
            if (result.ok() && !result.lastLine().isEmpty()) return result.lastLine();
        }
        throw new UserException("--sys-prefix: no Python with Jupyter found (tried "
                + (configured != null ? configured : "python3, /usr/bin/python3") + "); set EVALBOX_PYTHON or use --prefix");
    }
}
