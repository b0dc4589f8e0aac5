package dev.evalbox.kernel;

import dev.evalbox.kernel.java.CellError;

import java.util.List;

/** A failed %%python cell reports the Python error's own name and message, not the Java exception that carried it. */
final class PythonErrors {
    private static final String CARRIER = "dev.evalbox.kernel.notebook.PythonCellError";

    private PythonErrors() {
    }

    static CellError unwrap(CellError error) {
        if (!error.ename().equals(CARRIER)) {
            return error;
        }
        String[] parts = error.evalue().split(": ", 2);
        String evalue = parts.length > 1 ? parts[1] : "";
        return new CellError(parts[0], evalue, List.of(parts[0] + ": " + evalue));
    }
}
