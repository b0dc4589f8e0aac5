package dev.evalbox.kernel;

import dev.evalbox.kernel.wire.ConnectionInfo;
import dev.evalbox.kernel.wire.Message;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine warms up in the background from start-up; a front end must not be able to tell, except
 * by speed. Each test holds the warm-up at a gate (a first warm-up snippet that waits on a latch the
 * test owns), so a cell, an interrupt or a shutdown surely arrives while the engine is warming up.
 */
class KernelWarmUpTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final String ENTERED = "evalbox.test.warmUpEntered";
    private static final String GATE = "evalbox.test.warmUpGate";
    private static final String GATED = "((java.util.concurrent.CountDownLatch) System.getProperties().get(\"" + ENTERED + "\")).countDown();"
            + " ((java.util.concurrent.CountDownLatch) System.getProperties().get(\"" + GATE + "\")).await();";

    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch gate = new CountDownLatch(1);
    private JupyterKernel kernel;
    private KernelClient client;

    @BeforeEach
    void startKernelHeldInWarmUp() throws Exception {
        System.getProperties().put(ENTERED, entered);
        System.getProperties().put(GATE, gate);
        List<String> warmUp = new ArrayList<>(List.of(GATED));
        warmUp.addAll(KernelSettings.DEFAULT_WARM_UP);
        kernel = new JupyterKernel(ConnectionInfo.loopback(), KernelSettings.defaults().withWarmUp(warmUp)).start();
        client = new KernelClient(kernel.connection());
        client.awaitIopub(); // kernel_info is answered while the engine warms up
        assertTrue(entered.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the warm-up never reached its gate");
    }

    @AfterEach
    void stop() {
        gate.countDown();
        client.close();
        kernel.close();
        System.getProperties().remove(ENTERED);
        System.getProperties().remove(GATE);
    }

    @Test
    void theFirstCellWaitsForTheWarmUpAndAnswersAsWithoutIt() {
        Message first = client.execute("System.out.println(\"hello\");\n6 * 7");
        client.firstIopub(first, m -> m.type().equals("execute_input"), WAIT);
        gate.countDown();
        Message reply = client.reply(client.shell, first, WAIT);
        assertEquals("ok", reply.content().path("status").asText(), reply.content().toString());
        assertEquals(1, reply.content().path("execution_count").asInt(), "the warm-up counts no executions");

        Message failing = client.execute("evalboxWarmUp(3)");
        List<Message> iopub = client.iopubUntilIdle(failing, WAIT);
        assertEquals(List.of("status:busy", "execute_input", "error", "status:idle"), KernelClient.types(iopub));
        assertEquals("CompilationException", iopub.get(2).content().path("ename").asText(), "warm-up declarations are gone");
        assertEquals(2, client.reply(client.shell, failing, WAIT).content().path("execution_count").asInt());

        Message printing = client.execute("System.out.println(\"again\");\n\"x\".repeat(3)");
        iopub = client.iopubUntilIdle(printing, WAIT);
        assertEquals(List.of("status:busy", "execute_input", "stream", "execute_result", "status:idle"), KernelClient.types(iopub));
        assertEquals("again\n", iopub.get(2).content().path("text").asText());
        assertEquals("\"xxx\"", iopub.get(3).content().path("data").path("text/plain").asText());
    }

    @Test
    void anInterruptWhileTheCellWaitsForTheWarmUpInterruptsIt() {
        Message waiting = client.execute("int ranAnyway = 1;");
        client.firstIopub(waiting, m -> m.type().equals("execute_input"), WAIT);
        Message interrupt = client.send(client.control, "interrupt_request", Message.object());
        assertEquals("ok", client.reply(client.control, interrupt, WAIT).content().path("status").asText());
        gate.countDown();
        Message reply = client.reply(client.shell, waiting, WAIT);
        assertEquals("error", reply.content().path("status").asText());
        assertEquals("Interrupted", reply.content().path("ename").asText());

        Message check = client.execute("ranAnyway");
        assertEquals("error", client.reply(client.shell, check, WAIT).content().path("status").asText(), "the interrupted cell must not have run");
        Message next = client.execute("2 + 3");
        List<Message> iopub = client.iopubUntilIdle(next, WAIT);
        assertEquals("5", iopub.stream().filter(m -> m.type().equals("execute_result")).findFirst().orElseThrow()
                .content().path("data").path("text/plain").asText());
    }

    @Test
    void aShutdownDuringTheWarmUpEndsItWithoutWaitingForIt() throws Exception {
        Message shutdown = client.send(client.control, "shutdown_request", Message.object().put("restart", false));
        assertEquals("ok", client.reply(client.control, shutdown, WAIT).content().path("status").asText());
        assertFalse(kernel.awaitShutdown());
        kernel.close();
        // The gate stays shut: the warm-up ends only because the shutdown stopped it.
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("evalbox-kernel-engine-start") || thread.getName().equals("evalbox-cell")) {
                thread.join(WAIT.toMillis());
                assertFalse(thread.isAlive(), thread.getName() + " still runs after the shutdown");
            }
        }
        assertEquals(1, gate.getCount(), "the gate was never opened");
    }
}
