package dev.evalbox.kernel.java;

import java.util.List;

/** Completion candidates for the text between {@code start} and {@code end} (both in code points, as the protocol counts). */
public record Completion(List<String> matches, int start, int end) {
    public Completion {
        matches = List.copyOf(matches);
    }
}
