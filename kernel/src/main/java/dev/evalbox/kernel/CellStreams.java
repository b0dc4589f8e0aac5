package dev.evalbox.kernel;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * System.out and System.err while the kernel runs: whatever any thread writes is buffered and sent
 * as stream messages for the current cell, in batches (every few tens of milliseconds and at the
 * end of each cell), so a cell that prints a million lines costs a few hundred messages, not a million.
 */
final class CellStreams {
    private static final int MAX_BATCH = 64 * 1024;

    private final Buffer out = new Buffer("stdout");
    private final Buffer err = new Buffer("stderr");
    private final BiConsumer<String, String> send;

    /** {@code send} gets the stream's name and its text. */
    CellStreams(BiConsumer<String, String> send) {
        this.send = send;
    }

    PrintStream stdout() {
        return new PrintStream(out, true, StandardCharsets.UTF_8);
    }

    PrintStream stderr() {
        return new PrintStream(err, true, StandardCharsets.UTF_8);
    }

    /** Sends what is buffered (stdout first, as a terminal would interleave them line by line at best). */
    void drain() {
        out.drain();
        err.drain();
    }

    private final class Buffer extends OutputStream {
        private final String name;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        Buffer(String name) {
            this.name = name;
        }

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            drainIfLarge();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            drainIfLarge();
        }

        private void drainIfLarge() {
            if (bytes.size() >= MAX_BATCH) {
                drain();
            }
        }

        synchronized void drain() {
            if (bytes.size() == 0) {
                return;
            }
            byte[] all = bytes.toByteArray();
            int complete = completeUtf8Length(all);
            bytes.reset();
            bytes.write(all, complete, all.length - complete);
            if (complete > 0) {
                send.accept(name, new String(all, 0, complete, StandardCharsets.UTF_8));
            }
        }
    }

    /** Length of the prefix that does not end inside a multi-byte UTF-8 character, which waits for its other bytes. */
    static int completeUtf8Length(byte[] bytes) {
        int end = bytes.length;
        for (int back = 1; back <= Math.min(3, end); back++) {
            int b = bytes[end - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for the lead byte
            }
            int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            return needed > back ? end - back : end;
        }
        return end;
    }
}
