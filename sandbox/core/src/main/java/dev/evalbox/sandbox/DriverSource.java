package dev.evalbox.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The in-sandbox Python driver, shipped as a resource of this module, and how a backend starts it:
 * {@link #command} in the sandbox, with {@link #environment} added to its environment. A backend
 * of its own module starts it this way in its own {@link SandboxProcess}.
 */
public final class DriverSource {
    private static final String TEXT = load();

    /** Which processes a timeout may stop: all of the sandbox's, or only the driver's descendants. */
    public enum ProcessScope {
        /** The sandbox has a pid namespace of its own (a container, a pod): every process but the driver's own. */
        CONTAINER,
        /** The driver shares the host's processes: only its descendants and process group. */
        DESCENDANTS
    }

    private DriverSource() { }

    /** The driver's source, for {@code python -u -c}. */
    public static String text() { return TEXT; }

    /** The command that starts the driver: the spec's interpreter with the source as its program. */
    public static List<String> command(SandboxSpec spec) {
        return List.of(spec.pythonExecutable(), "-u", "-c", TEXT);
    }

    /** What the driver reads from its environment: the front end (driver mode) and the process scope. */
    public static Map<String, String> environment(SandboxSpec spec, ProcessScope scope) {
        return Map.of("EVALBOX_DRIVER_MODE", spec.driverMode().protocolName(),
                "EVALBOX_PROCESS_SCOPE", scope == ProcessScope.CONTAINER ? "container" : "descendants");
    }

    private static String load() {
        try (InputStream in = DriverSource.class.getResourceAsStream("driver.py")) {
            if (in == null) throw new IllegalStateException("driver.py is missing from the evalbox-sandbox jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read driver.py from the evalbox-sandbox jar", e);
        }
    }
}
