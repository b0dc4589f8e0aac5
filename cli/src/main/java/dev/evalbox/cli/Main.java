package dev.evalbox.cli;

import dev.evalbox.kernel.JupyterKernel;
import dev.evalbox.kernel.KernelSettings;
import picocli.CommandLine;

import java.util.Arrays;

/** Entry point of the evalbox command. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("kernel")) {
            // Jupyter waits for the kernel's first reply: skip building the whole command tree (about half a second).
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            if (Arrays.asList(rest).contains("--connection-file")) {
                // Jupyter starting a kernel: its Java engine starts while the rest of the kernel does
                JupyterKernel.startEngineEarly(KernelSettings.defaults());
            }
            System.exit(HelpText.reflow(new CommandLine(new KernelCommand()).setCommandName("evalbox kernel")
                    .setExecutionExceptionHandler(new UserErrors())).execute(rest));
        }
        System.exit(EvalboxCommand.commandLine().execute(args));
    }
}
