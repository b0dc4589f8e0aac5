package dev.evalbox.kernel.wire;

/** A multipart message the kernel cannot accept: bad signature, missing frames or frames that are not JSON objects. */
public final class BadMessageException extends Exception {
    public BadMessageException(String reason) {
        super(reason);
    }
}
