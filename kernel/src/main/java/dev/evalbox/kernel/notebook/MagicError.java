package dev.evalbox.kernel.notebook;

/**
 * An expected failure of a magic (a sandbox backend that cannot run here: no credentials, an API server that does
 * not answer, ...), raised into the cell without a stack trace. The message is "ename: evalue"; the kernel reports
 * it as one line under that name, as the CLI does, since the frames would only show evalbox's own code.
 */
public final class MagicError extends RuntimeException {
    public MagicError(String ename, String evalue) {
        super(ename + ": " + evalue, null, false, false);
    }
}
