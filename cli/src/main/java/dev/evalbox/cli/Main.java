package dev.evalbox.cli;

import picocli.CommandLine;

/** Entry point of the evalbox command. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("kernel")) {
            // Jupyter waits for the kernel's first reply: skip building the whole command tree (about half a second).
            String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
            System.exit(HelpText.reflow(new CommandLine(new KernelCommand()).setCommandName("evalbox kernel")
                    .setExecutionExceptionHandler(new UserErrors())).execute(rest));
        }
        System.exit(EvalboxCommand.commandLine().execute(args));
    }
}
