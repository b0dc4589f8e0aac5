package dev.evalbox.unittests.view;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Reads the whole lines a JSON Lines file gained since a byte offset, in large blocks, handing each
 * line's span and (at most) its first bytes to a callback. A last line without its newline is left
 * for the next scan: a writer may be in the middle of it.
 */
final class LineScanner {
    private static final int BLOCK = 1 << 20;

    interface LineHandler {
        /** {@code head} holds the line's first bytes, up to the scanner's head size (the whole line when it is shorter). */
        void line(long offset, int length, byte[] head) throws IOException;
    }

    private LineScanner() { }

    /** Scans from {@code from}; returns the offset after the last whole line. */
    static long scan(FileChannel channel, long from, int headSize, LineHandler handler) throws IOException {
        long end = channel.size();
        ByteBuffer block = ByteBuffer.allocate(BLOCK);
        long blockStart = from;
        long lineStart = from;
        while (blockStart < end) {
            block.clear();
            int read = channel.read(block, blockStart);
            if (read <= 0) break;
            byte[] bytes = block.array();
            for (int i = 0; i < read; i++) {
                if (bytes[i] != '\n') continue;
                long newline = blockStart + i;
                int length = (int) (newline - lineStart);
                int headLength = Math.min(length, headSize);
                byte[] head = new byte[headLength];
                long inBlock = lineStart - blockStart;
                if (inBlock >= 0) {
                    System.arraycopy(bytes, (int) inBlock, head, 0, headLength);
                } else {
                    channel.read(ByteBuffer.wrap(head), lineStart); // the line began in an earlier block
                }
                if (length > 0) handler.line(lineStart, length, head);
                lineStart = newline + 1;
            }
            blockStart += read;
        }
        return lineStart;
    }

    /** The bytes of one line as text. */
    static String read(FileChannel channel, long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, offset + buffer.position()) < 0) break;
        }
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }
}
