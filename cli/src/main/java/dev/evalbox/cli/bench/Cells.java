package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Output;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.unittests.bench.BenchException;

/** Runs the benchmark's cells and insists they worked: a fast failure must never pass as a fast cell. */
final class Cells {
    static final String ROUND_TRIP = "1+1";

    private Cells() { }

    /** Runs {@code code} and checks it succeeded with {@code expected} as its plain-text result. */
    static ExecutionResult run(Sandbox sandbox, String code, String expected) {
        ExecutionResult result = sandbox.execute(code);
        String value = result.result().flatMap(Output.MimeBundle::plainText).orElse(null);
        if (!result.ok() || !expected.equals(value)) {
            throw new BenchException("the cell `" + code + "` in sandbox " + sandbox.id() + " ended " + result.status()
                    + " with result " + value + " instead of " + expected
                    + (result.message().isEmpty() ? "" : ": " + result.message())
                    + result.error().map(e -> ": " + e.ename() + ": " + e.evalue()).orElse(""));
        }
        return result;
    }
}
