package dev.evalbox.cli;

import dev.evalbox.kernel.EngineStart;
import dev.evalbox.kernel.KernelSettings;
import picocli.CommandLine;

/** Entry point of the evalbox command. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("kernel")) {
            // Jupyter waits for the kernel's first reply: skip building the whole command tree (about half a second).
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            // The Java engine takes longest to be ready (javac's first compiles): it starts building now,
            // before the command line is even parsed, when this is a kernel to run (not `kernel install`, --help, ...).
            EngineStart engine = runsKernel(rest) ? EngineStart.begin(KernelSettings::defaults) : null;
            System.exit(HelpText.reflow(new CommandLine(new KernelCommand(engine)).setCommandName("evalbox kernel")
                    .setExecutionExceptionHandler(new UserErrors())).execute(rest));
        }
        System.exit(EvalboxCommand.commandLine().execute(args));
    }

    /** {@code evalbox kernel [--connection-file FILE]}: what a kernelspec runs. */
    private static boolean runsKernel(String[] rest) {
        return rest.length == 0 || rest[0].equals("-f") || rest[0].equals("--connection-file")
                || rest[0].startsWith("--connection-file=");
    }
}
