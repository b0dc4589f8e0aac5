package dev.evalbox.kernel;

import dev.evalbox.kernel.java.CellError;

import java.util.List;

/**
 * A failed %%python cell reports the Python error's own name and message, not the Java exception that carried it;
 * so does a magic's expected failure ({@code MagicError}), in one line.
 */
final class PythonErrors {
    private static final java.util.Set<String> CARRIERS = java.util.Set.of(
            "dev.evalbox.kernel.notebook.PythonCellError", "dev.evalbox.kernel.notebook.MagicError");

    private PythonErrors() {
    }

    static CellError unwrap(CellError error) {
        if (!CARRIERS.contains(error.ename())) {
            return error;
        }
        String[] parts = error.evalue().split(": ", 2);
        String evalue = parts.length > 1 ? parts[1] : "";
        return new CellError(parts[0], evalue, List.of(parts[0] + ": " + evalue));
    }
}
