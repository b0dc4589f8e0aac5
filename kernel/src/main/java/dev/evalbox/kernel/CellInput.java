package dev.evalbox.kernel;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/** System.in for cells: each line is asked of the front end (input_request); end of input when the front end allows none. */
final class CellInput extends InputStream {
    private final Function<String, String> readLine;
    private byte[] line = new byte[0];
    private int position;

    /** {@code readLine} takes a prompt and returns the user's line, or null when input is not allowed. */
    CellInput(Function<String, String> readLine) {
        this.readLine = readLine;
    }

    @Override
    public synchronized int read() {
        if (!fill()) {
            return -1;
        }
        return line[position++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] buffer, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(length, line.length - position);
        System.arraycopy(line, position, buffer, offset, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return line.length - position;
    }

    private boolean fill() {
        if (position < line.length) {
            return true;
        }
        String text = readLine.apply("");
        if (text == null) {
            return false;
        }
        line = (text + "\n").getBytes(StandardCharsets.UTF_8);
        position = 0;
        return true;
    }
}
