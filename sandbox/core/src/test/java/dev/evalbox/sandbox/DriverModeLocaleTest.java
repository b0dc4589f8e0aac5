package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Under a Turkish default locale "PLAIN".toLowerCase() is "plaın" (dotless i): the driver must still get "plain". */
class DriverModeLocaleTest {
    private Locale before;

    @BeforeEach
    void turkish() {
        before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("tr"));
    }

    @AfterEach
    void restore() {
        Locale.setDefault(before);
    }

    @Test
    void theDriverModeIsSentAsPlainUnderATurkishLocale() {
        assertEquals("plaın", "PLAIN".toLowerCase(), "the default locale is not Turkish; this test would prove nothing");
        assertEquals("plain", SandboxSpec.DriverMode.PLAIN.protocolName());
        try (Sandbox sandbox = new LocalSandboxProvider().open(SandboxSpec.python().driverMode(SandboxSpec.DriverMode.PLAIN).build())) {
            ExecutionResult sent = sandbox.execute("import os\nos.environ['EVALBOX_DRIVER_MODE']");
            assertEquals("'plain'", sent.result().orElseThrow().plainText().orElseThrow(), sent.toString());
            assertEquals("python", sandbox.info().runner());
        }
    }
}
