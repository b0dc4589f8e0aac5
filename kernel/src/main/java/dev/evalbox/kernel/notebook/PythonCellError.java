package dev.evalbox.kernel.notebook;

/**
 * A Python error in the notebook's sandbox, raised into the Java cell so the cell fails as the
 * Python one did. The message is "ename: evalue"; the kernel reports it under the Python name,
 * and the Python traceback has already been shown.
 */
public final class PythonCellError extends RuntimeException {
    public PythonCellError(String ename, String evalue) {
        super(ename + ": " + evalue, null, false, false);
    }
}
