package dev.evalbox.kernel;

import dev.evalbox.kernel.wire.ConnectionInfo;
import dev.evalbox.kernel.wire.Message;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.*;

/** Shutdown and restart through shutdown_request, and nothing left behind: no kernel threads, every port free again. */
class KernelLifecycleTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shutdownRestartAndNoLeaks() throws Exception {
        ConnectionInfo connection = ConnectionInfo.loopback();
        Set<String> threadsBefore = threadNames();

        JupyterKernel first = new JupyterKernel(connection, KernelSettings.defaults()).start();
        try (KernelClient client = new KernelClient(connection)) {
            client.awaitIopub();
            assertEquals("ok", client.reply(client.shell, client.execute("int kept = 1;"), WAIT).content().path("status").asText());
            Message shutdown = client.send(client.control, "shutdown_request", Message.object().put("restart", true));
            Message reply = client.reply(client.control, shutdown, WAIT);
            assertEquals("shutdown_reply", reply.type());
            assertTrue(reply.content().path("restart").asBoolean());
            assertTrue(first.awaitShutdown(), "the kernel should report that a restart was asked for");
        } finally {
            first.close();
        }
        assertKernelGone(connection, threadsBefore);
        int threadsAfterFirst = Thread.activeCount();

        // The front end restarts the kernel on the same connection: a fresh kernel, fresh state.
        try (JupyterKernel second = new JupyterKernel(connection, KernelSettings.defaults()).start();
             KernelClient client = new KernelClient(connection)) {
            client.awaitIopub();
            Message reply = client.reply(client.shell, client.execute("kept"), WAIT);
            assertEquals("error", reply.content().path("status").asText(), "state must not survive a restart");
            assertEquals(1, reply.content().path("execution_count").asInt());
            Message shutdown = client.send(client.control, "shutdown_request", Message.object().put("restart", false));
            assertFalse(client.reply(client.control, shutdown, WAIT).content().path("restart").asBoolean());
            assertFalse(second.awaitShutdown());
        }
        assertKernelGone(connection, threadsBefore);
        // JShell keeps one JVM-wide daemon indexer thread; a second kernel must add nothing to it.
        assertTrue(Thread.activeCount() <= threadsAfterFirst,
                "threads grew from " + threadsAfterFirst + " to " + Thread.activeCount() + " across a kernel's life");
    }

    private static void assertKernelGone(ConnectionInfo connection, Set<String> threadsBefore) throws Exception {
        // The kernel's threads end after close() returns: wait for each to end (join), as a hang guard.
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        for (Thread thread : kernelThreads(threadsBefore)) {
            thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
        }
        Set<String> leaked = kernelThreads(threadsBefore).stream().map(Thread::getName).collect(Collectors.toSet());
        assertEquals(Set.of(), leaked, "threads left after shutdown");
        for (int port : List.of(connection.shellPort(), connection.iopubPort(), connection.stdinPort(),
                connection.controlPort(), connection.hbPort())) {
            try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertTrue(socket.isBound());
            } catch (IOException e) {
                fail("port " + port + " is still held after shutdown: " + e.getMessage());
            }
        }
    }

    /** The live threads a kernel starts (by name) that were not there before it. */
    private static Set<Thread> kernelThreads(Set<String> before) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> !before.contains(t.getName()))
                .filter(t -> t.getName().startsWith("evalbox") || t.getName().startsWith("reaper") || t.getName().startsWith("iothread"))
                .collect(Collectors.toSet());
    }

    private static Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .collect(Collectors.toSet());
    }
}
