package dev.evalbox.kernel;

import dev.evalbox.kernel.wire.ConnectionInfo;
import dev.evalbox.kernel.wire.Message;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A kernel whose Java engine was started before it (as the launcher does when Jupyter starts a
 * kernel): it takes the engine over, and its cells answer as any kernel's, the startup imports in
 * force for JShell's snippets and for those run before JShell was built.
 */
class KernelEarlyEngineTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void aKernelTakesOverTheEngineStartedBeforeIt() throws Exception {
        KernelSettings settings = KernelSettings.defaults();
        JupyterKernel.startEngineEarly(settings);
        try (JupyterKernel kernel = new JupyterKernel(ConnectionInfo.loopback(), settings).start();
             KernelClient client = new KernelClient(kernel.connection())) {
            client.awaitIopub();
            assertResult(client, "6 * 7", "42");
            assertNull(EarlyEngine.take(settings), "the kernel took the engine started for it");
            assertResult(client, "var xs = List.of(1, 2, 3);\nxs.stream().map(x -> x * 2).collect(Collectors.toList())", "[2, 4, 6]");
            assertResult(client, "LocalDate.of(2026, 12, 3).getDayOfWeek()", "THURSDAY");

            Message failing = client.execute("1 / 0");
            List<Message> iopub = client.iopubUntilIdle(failing, WAIT);
            Message error = iopub.stream().filter(m -> m.type().equals("error")).findFirst().orElseThrow();
            assertEquals("java.lang.ArithmeticException", error.content().path("ename").asText());
            assertTrue(error.content().path("traceback").toString().matches(".*\\(#\\d+:1\\).*"), error.content().toString());
        }
    }

    private static void assertResult(KernelClient client, String code, String text) {
        Message request = client.execute(code);
        List<Message> iopub = client.iopubUntilIdle(request, WAIT);
        Message result = iopub.stream().filter(m -> m.type().equals("execute_result")).findFirst()
                .orElseThrow(() -> new AssertionError(code + ": no result in " + KernelClient.types(iopub) + " " + iopub));
        assertEquals(text, result.content().path("data").path("text/plain").asText(), code);
    }
}
