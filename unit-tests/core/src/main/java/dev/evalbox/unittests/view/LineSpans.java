package dev.evalbox.unittests.view;

import java.util.Arrays;

/** A growable list of byte spans (offset, length) of lines in one file, packed in a long array; read while an indexer adds to it. */
final class LineSpans {
    private long[] spans = new long[8];
    private int size;

    synchronized void add(long offset, int length) {
        if (2 * size + 2 > spans.length) spans = Arrays.copyOf(spans, spans.length * 2);
        spans[2 * size] = offset;
        spans[2 * size + 1] = length;
        size++;
    }

    synchronized int size() { return size; }

    synchronized long offset(int i) { return spans[2 * i]; }

    synchronized int length(int i) { return (int) spans[2 * i + 1]; }
}
