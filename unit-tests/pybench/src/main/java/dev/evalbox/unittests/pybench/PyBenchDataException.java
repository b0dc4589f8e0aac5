package dev.evalbox.unittests.pybench;

import dev.evalbox.unittests.eval.UserException;

/** A PyBench file is missing or malformed; the message names the file, the entry and the field. */
public class PyBenchDataException extends UserException {
    public PyBenchDataException(String message) { super(message); }

    public PyBenchDataException(String message, Throwable cause) { super(message, cause); }
}
