package dev.evalbox.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The in-sandbox Python driver, shipped as a resource of this module and passed to python3 -c at start. */
final class DriverSource {
    private static final String TEXT = load();

    private DriverSource() { }

    static String text() { return TEXT; }

    private static String load() {
        try (InputStream in = DriverSource.class.getResourceAsStream("driver.py")) {
            if (in == null) throw new IllegalStateException("driver.py is missing from the evalbox-sandbox jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read driver.py from the evalbox-sandbox jar", e);
        }
    }
}
