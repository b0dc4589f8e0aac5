package dev.evalbox.unittests.bench;

/** The benchmark could not measure something; the message says what and why. */
public class BenchException extends RuntimeException {
    public BenchException(String message) { super(message); }

    public BenchException(String message, Throwable cause) { super(message, cause); }
}
