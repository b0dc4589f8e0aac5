package dev.evalbox.cli;

import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.unittests.eval.UserException;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Expected failures are one clear line for the user; only real bugs print a stack trace. */
final class UserErrors implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        if (e instanceof SandboxException || e instanceof IllegalArgumentException || e instanceof UncheckedIOException
                || e instanceof UserException) {
            commandLine.getErr().println("evalbox: " + e.getMessage());
            return 1;
        }
        commandLine.getErr().println("evalbox: unexpected failure (please report it):");
        e.printStackTrace(commandLine.getErr());
        return 70;
    }
}
