package dev.evalbox.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs the evalbox command in-process with captured stdout/stderr, as the launcher would. */
final class CommandRunner {
    record Result(int exitCode, String out, String err) { }

    private CommandRunner() { }

    static synchronized Result runWithInput(String stdin, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        InputStream oldIn = System.in;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            CommandLine cli = EvalboxCommand.commandLine();
            cli.setOut(new java.io.PrintWriter(System.out, true));
            cli.setErr(new java.io.PrintWriter(System.err, true));
            int code = cli.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
            System.setIn(oldIn);
        }
    }

    static Result run(String... args) { return runWithInput("", args); }

    /**
     * Runs a benchmark's part of {@code evalbox demo} into DIR/NAME-sample, as the demo does, with the
     * sandbox options given; returns how many of its sample tasks failed.
     */
    static int demoPart(String benchmark, java.nio.file.Path dir, String... sandboxArgs) throws Exception {
        dev.evalbox.unittests.eval.SandboxOptions options = new dev.evalbox.unittests.eval.SandboxOptions();
        new picocli.CommandLine(options).parseArgs(sandboxArgs);
        dev.evalbox.unittests.eval.DemoPart part = dev.evalbox.unittests.eval.Benchmarks.named(benchmark).orElseThrow().demo().orElseThrow();
        return part.run(new dev.evalbox.unittests.eval.DemoPart.Context(dir.resolve(benchmark + "-sample"), options,
                args -> EvalboxCommand.commandLine().execute(args.toArray(String[]::new))));
    }
}
