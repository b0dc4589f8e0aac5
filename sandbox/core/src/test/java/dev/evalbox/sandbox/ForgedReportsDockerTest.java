package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ForgedReportsContract} in Docker sandboxes, where a cell may write to every process of the container. */
@Tag("docker")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ForgedReportsDockerTest extends ForgedReportsContract {
    private static final SandboxSpec SPEC = SandboxSpec.python()
            .memory("512m")
            .pidsLimit(64)
            .interruptGrace(Duration.ofSeconds(5))
            .startTimeout(Duration.ofSeconds(120))
            .build();

    private static DockerSandboxProvider provider;

    @BeforeAll
    static void start() {
        DockerRequired.check();
        provider = new DockerSandboxProvider();
    }

    @AfterAll
    static void stop() {
        if (provider != null) provider.close();
    }

    @Override
    protected Sandbox open() { return provider.open(SPEC); }

    @Override
    protected String scope() { return "container"; }

    @Test
    void noSignalFromInsideTheContainerStopsOrEndsTheDriver() {
        // The driver is the container's init: the kernel drops every signal it has no handler for, SIGSTOP and
        // SIGKILL included, and kill(-1) spares it. Only then does the cell's own value come back.
        ExecutionResult signalled = sandbox().execute(String.join("\n",
                "import os, signal, subprocess",
                "assert os.getppid() == 1, os.getppid()",
                "for s in (signal.SIGSTOP, signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1, signal.SIGKILL):",
                "    os.kill(1, s)",
                "sleeper = subprocess.Popen(['sleep', '600'])",
                "os.kill(-1, signal.SIGKILL)",
                "('still answered', sleeper.wait())"), Duration.ofSeconds(30));
        assertEquals(ExecutionStatus.OK, signalled.status(), summary(signalled));
        assertEquals("('still answered', -9)", signalled.result().flatMap(Output.MimeBundle::plainText).orElseThrow());
        assertUnaffected();
    }
}
