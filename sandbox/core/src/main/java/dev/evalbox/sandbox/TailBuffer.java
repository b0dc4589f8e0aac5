package dev.evalbox.sandbox;

import java.nio.charset.StandardCharsets;

/** Keeps the last few kilobytes written to it: a process's stderr, for error messages. */
final class TailBuffer {
    private final byte[] buffer;
    private int start;
    private int size;

    TailBuffer(int capacity) { buffer = new byte[capacity]; }

    synchronized void append(byte[] bytes, int offset, int length) {
        for (int i = 0; i < length; i++) {
            buffer[(start + size) % buffer.length] = bytes[offset + i];
            if (size < buffer.length) size++;
            else start = (start + 1) % buffer.length;
        }
    }

    synchronized String text() {
        byte[] copy = new byte[size];
        for (int i = 0; i < size; i++) copy[i] = buffer[(start + i) % buffer.length];
        return new String(copy, StandardCharsets.UTF_8).strip();
    }
}
