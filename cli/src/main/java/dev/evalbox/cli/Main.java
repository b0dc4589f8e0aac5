package dev.evalbox.cli;

import picocli.CommandLine;

/** Entry point of the evalbox command. */
public final class Main {
    private Main() { }

    public static void main(String[] args) {
        System.exit(new CommandLine(new EvalboxCommand()).setExecutionExceptionHandler(new UserErrors()).execute(args));
    }
}
