package dev.evalbox.cli;

import dev.evalbox.kernel.JupyterKernel;
import dev.evalbox.kernel.KernelSettings;
import dev.evalbox.kernel.wire.ConnectionInfo;
import dev.evalbox.unittests.eval.UserException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** `evalbox kernel`: the Jupyter kernel the kernelspec starts, and `evalbox kernel install` to write that kernelspec. */
@Command(name = "kernel", mixinStandardHelpOptions = true, versionProvider = VersionInfo.class,
        description = {"Run the evalbox Jupyter kernel (Java cells with the evalbox API).",
                "Jupyter starts it with --connection-file; without one, a connection file is written to the current",
                "directory for `jupyter console --existing FILE`. `evalbox kernel install` registers the kernel with Jupyter."},
        subcommands = {KernelInstallCommand.class})
final class KernelCommand implements Callable<Integer> {
    private static final Duration TRAINING_LIMIT = Duration.ofMinutes(2);

    @Option(names = {"-f", "--connection-file"}, paramLabel = "FILE",
            description = "The connection file Jupyter wrote (ports, key); the kernelspec passes {connection_file}.")
    Path connectionFile;

    /** The build's use (cli/pom.xml): the classes a kernel loads as it starts are listed for its class data archive. */
    @Option(names = "--class-data-training", hidden = true,
            description = "Start a kernel on loopback, let its Java engine start and warm up, then exit.")
    boolean classDataTraining;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (classDataTraining) {
            KernelSettings settings = KernelSettings.defaults();
            JupyterKernel.startEngineEarly(settings);
            try (JupyterKernel kernel = new JupyterKernel(ConnectionInfo.loopback(), settings).start()) {
                kernel.awaitEngineWarm(TRAINING_LIMIT);
            }
            return 0;
        }
        ConnectionInfo connection;
        if (connectionFile == null) {
            connection = ConnectionInfo.loopback();
            Path file = Path.of("kernel-evalbox-" + ProcessHandle.current().pid() + ".json").toAbsolutePath();
            connection.write(file);
            file.toFile().deleteOnExit();
            System.err.println("evalbox kernel: connect with  jupyter console --existing " + file);
        } else {
            if (!Files.isReadable(connectionFile)) {
                throw new UserException("connection file " + connectionFile + " does not exist or is not readable");
            }
            connection = ConnectionInfo.read(connectionFile);
        }
        boolean restart;
        try (JupyterKernel kernel = new JupyterKernel(connection, KernelSettings.defaults()).start()) {
            restart = kernel.awaitShutdown();
        }
        System.err.println("evalbox kernel: shut down" + (restart ? " for a restart" : ""));
        return 0;
    }
}
