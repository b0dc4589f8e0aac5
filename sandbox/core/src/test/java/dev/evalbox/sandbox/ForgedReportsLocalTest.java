package dev.evalbox.sandbox;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ForgedReportsContract} on the local backend: the driver's own descriptors and memory are as
 * closed to the runner as in Docker (the cells may write only where the host is the test's: the runner's
 * own descriptors and the driver's). What the local backend does not close is said in docs/sandbox.md.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForgedReportsLocalTest extends ForgedReportsContract {
    @Override
    protected Sandbox open() {
        return new LocalSandboxProvider().open(SandboxSpec.python().interruptGrace(Duration.ofSeconds(5)).build());
    }

    @Override
    protected String scope() { return "driver"; }
}
