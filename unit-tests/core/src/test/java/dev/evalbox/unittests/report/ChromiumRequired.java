package dev.evalbox.unittests.report;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests tagged "chromium": they need /usr/bin/chromium. With EVALBOX_REQUIRE_CHROMIUM=1 (set
 * by scripts/test.sh) a missing browser fails the test instead of skipping it.
 */
public final class ChromiumRequired {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    private ChromiumRequired() { }

    /** Call from @BeforeAll. */
    public static void check() {
        if (Files.isExecutable(CHROMIUM)) return;
        if ("1".equals(System.getenv("EVALBOX_REQUIRE_CHROMIUM"))) fail("Chromium is required but " + CHROMIUM + " is missing");
        Assumptions.abort("skipping: " + CHROMIUM + " is missing (scripts/setup.sh chromium installs it)");
    }
}
