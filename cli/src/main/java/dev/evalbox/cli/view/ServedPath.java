package dev.evalbox.cli.view;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one place a request's path becomes a file: only a regular file inside the run's directory
 * and the served folder, after symbolic links are resolved. Each segment is percent-decoded once and
 * must be a plain name (no "..", ".", empty, slash, backslash or NUL), so neither "..", "%2e%2e",
 * "%2f", an absolute path nor a link pointing out of the folder reaches anything outside it.
 */
public final class ServedPath {
    private ServedPath() { }

    /** The decoded segments of a raw (still percent-encoded) path, or empty when one is not a plain name. */
    public static Optional<List<String>> segments(String rawPath) {
        List<String> out = new ArrayList<>();
        for (String raw : rawPath.split("/", -1)) {
            Optional<String> segment = decode(raw);
            if (segment.isEmpty()) return Optional.empty();
            String s = segment.get();
            if (s.isEmpty() || s.equals(".") || s.equals("..") || s.indexOf('/') >= 0 || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0) {
                return Optional.empty();
            }
            out.add(s);
        }
        return Optional.of(out);
    }

    /** The file the segments name under {@code runDir}, when it is a regular file inside both {@code runDir} and {@code root} (real paths). */
    public static Optional<Path> resolve(Path root, Path runDir, List<String> segments) {
        Path file = runDir;
        for (String segment : segments) file = file.resolve(segment);
        file = file.normalize();
        if (!file.startsWith(runDir)) return Optional.empty();
        try {
            Path real = file.toRealPath();
            Path realRun = runDir.toRealPath();
            if (!real.startsWith(realRun) || !real.startsWith(root.toRealPath())) return Optional.empty();
            return Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> decode(String raw) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) return Optional.empty();
                int hi = Character.digit(raw.charAt(i + 1), 16);
                int lo = Character.digit(raw.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return Optional.empty();
                bytes.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        return Optional.of(bytes.toString(StandardCharsets.UTF_8));
    }
}
