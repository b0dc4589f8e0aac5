package dev.evalbox.kernel.java;

import java.util.List;

/** What a failed cell reports to the front end: the error's name, its message and the traceback lines. */
public record CellError(String ename, String evalue, List<String> traceback) {
    public CellError {
        traceback = List.copyOf(traceback);
    }
}
