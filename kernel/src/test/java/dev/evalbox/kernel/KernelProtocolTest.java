package dev.evalbox.kernel;

import dev.evalbox.kernel.wire.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The kernel's protocol through evalbox's own JeroMQ client: ordering, counters, stdin, interrupts, hostile frames. */
class KernelProtocolTest extends RunningKernel {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Message run(String code) {
        Message request = client.execute(code);
        return client.reply(client.shell, request, WAIT);
    }

    @Test
    void aCellPublishesBusyInputOutputsResultIdleInOrder() {
        Message request = client.execute("System.out.println(\"line\");\n6 * 7");
        Message reply = client.reply(client.shell, request, WAIT);
        List<Message> iopub = client.iopubUntilIdle(request, WAIT);
        assertEquals(List.of("status:busy", "execute_input", "stream", "execute_result", "status:idle"), KernelClient.types(iopub),
                iopub.get(3).content().toString());
        assertEquals("line\n", iopub.get(2).content().path("text").asText());
        assertEquals("42", iopub.get(3).content().path("data").path("text/plain").asText());
        assertEquals("ok", reply.content().path("status").asText());
        int count = reply.content().path("execution_count").asInt();
        assertEquals(count, iopub.get(1).content().path("execution_count").asInt());
        assertEquals(count, iopub.get(3).content().path("execution_count").asInt());
    }

    @Test
    void onlyStoredCellsAdvanceTheCounterAndSilentCellsPublishNothing() {
        int before = run("1").content().path("execution_count").asInt();
        Message unstored = client.send(client.shell, "execute_request", KernelClient.executeContent("2").put("store_history", false));
        assertEquals(before, client.reply(client.shell, unstored, WAIT).content().path("execution_count").asInt());
        Message silent = client.send(client.shell, "execute_request", KernelClient.executeContent("3").put("silent", true));
        assertEquals(before, client.reply(client.shell, silent, WAIT).content().path("execution_count").asInt());
        assertEquals(List.of("status:busy", "status:idle"), KernelClient.types(client.iopubUntilIdle(silent, WAIT)));
        assertEquals(before + 1, run("4").content().path("execution_count").asInt());
    }

    @Test
    void twoHundredCellsInARow() {
        int first = run("int counter = 0;").content().path("execution_count").asInt();
        List<Message> requests = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            requests.add(client.execute("counter += 1"));
        }
        for (int i = 0; i < 200; i++) {
            Message reply = client.reply(client.shell, requests.get(i), WAIT);
            assertEquals("ok", reply.content().path("status").asText());
            assertEquals(first + 1 + i, reply.content().path("execution_count").asInt());
        }
        assertEquals("200", lastResult(client.execute("counter")));
    }

    @Test
    void interruptStopsARunningCellAndTheKernelGoesOn() {
        Message looping = client.execute("System.out.println(\"spinning\");\nlong spins = 0; while (true) { spins++; }");
        client.firstIopub(looping, KernelClient.streamContaining("spinning"), WAIT);
        Message interrupt = client.send(client.control, "interrupt_request", Message.object());
        assertEquals("ok", client.reply(client.control, interrupt, WAIT).content().path("status").asText());
        Message reply = client.reply(client.shell, looping, WAIT);
        assertEquals("error", reply.content().path("status").asText());
        assertEquals("Interrupted", reply.content().path("ename").asText());
        assertEquals("5", lastResult(client.execute("2 + 3")));
    }

    @Test
    void controlAnswersWhileACellRuns() {
        // The cell waits for a latch nobody counts down: it ends only when interrupted, so a kernel_info
        // reply that arrives before the interrupt was answered while the cell ran.
        Message blocked = client.execute("System.out.println(\"waiting\");\nnew java.util.concurrent.CountDownLatch(1).await();");
        client.firstIopub(blocked, KernelClient.streamContaining("waiting"), WAIT);
        Message info = client.send(client.control, "kernel_info_request", Message.object());
        Message infoReply = client.reply(client.control, info, WAIT);
        assertEquals("java", infoReply.content().path("language_info").path("name").asText());
        Message interrupt = client.send(client.control, "interrupt_request", Message.object());
        assertEquals("ok", client.reply(client.control, interrupt, WAIT).content().path("status").asText());
        Message reply = client.reply(client.shell, blocked, WAIT);
        assertEquals("Interrupted", reply.content().path("ename").asText(), reply.content().toString());
    }

    @Test
    void aFailedCellAbortsTheCellsQueuedBehindIt() {
        Message failing = client.execute("Thread.sleep(500); throw new RuntimeException(\"first\");");
        Message queued1 = client.execute("int shouldNotRun1 = 1;");
        Message queued2 = client.execute("int shouldNotRun2 = 2;");
        assertEquals("error", client.reply(client.shell, failing, WAIT).content().path("status").asText());
        assertEquals("aborted", client.reply(client.shell, queued1, WAIT).content().path("status").asText());
        assertEquals("aborted", client.reply(client.shell, queued2, WAIT).content().path("status").asText());
        assertEquals("error", run("shouldNotRun1").content().path("status").asText());

        Message tolerant = client.send(client.shell, "execute_request",
                KernelClient.executeContent("throw new RuntimeException(\"again\");").put("stop_on_error", false));
        Message next = client.execute("int ranAnyway = 3;");
        assertEquals("error", client.reply(client.shell, tolerant, WAIT).content().path("status").asText());
        assertEquals("ok", client.reply(client.shell, next, WAIT).content().path("status").asText());
    }

    @Test
    void systemInReadsComeFromTheFrontEnd() {
        Message request = client.send(client.shell, "execute_request",
                KernelClient.executeContent("new Scanner(System.in).nextLine().toUpperCase()").put("allow_stdin", true));
        Message inputRequest = client.reply(client.stdin, request, WAIT);
        assertEquals("input_request", inputRequest.type());
        client.send(client.stdin, "input_reply", Message.object().put("value", "hello"));
        Message reply = client.reply(client.shell, request, WAIT);
        assertEquals("ok", reply.content().path("status").asText());
        List<Message> iopub = client.iopubUntilIdle(request, WAIT);
        assertEquals("\"HELLO\"", iopub.stream().filter(m -> m.type().equals("execute_result")).findFirst()
                .orElseThrow().content().path("data").path("text/plain").asText());
    }

    @Test
    void outputOfThreadsACellStartsStreamsToThatCell() {
        Message request = client.execute("Thread t = new Thread(() -> System.out.println(\"from a thread\"));\n"
                + "t.start(); t.join();");
        client.reply(client.shell, request, WAIT);
        String text = client.iopubUntilIdle(request, WAIT).stream().filter(m -> m.type().equals("stream"))
                .map(m -> m.content().path("text").asText()).reduce("", String::concat);
        assertEquals("from a thread\n", text);
    }

    @Test
    void displaysCanBeUpdatedInPlace() {
        Message request = client.execute("var handle = display(html(\"<i>step 1</i>\"));\nhandle.update(html(\"<i>step 2</i>\"));");
        client.reply(client.shell, request, WAIT);
        List<Message> iopub = client.iopubUntilIdle(request, WAIT);
        Message shown = iopub.stream().filter(m -> m.type().equals("display_data")).findFirst().orElseThrow();
        Message updated = iopub.stream().filter(m -> m.type().equals("update_display_data")).findFirst().orElseThrow();
        assertEquals("<i>step 1</i>", shown.content().path("data").path("text/html").asText());
        assertEquals("<i>step 2</i>", updated.content().path("data").path("text/html").asText());
        String id = shown.content().path("transient").path("display_id").asText();
        assertFalse(id.isEmpty());
        assertEquals(id, updated.content().path("transient").path("display_id").asText());
    }

    @Test
    void badSignaturesAndGarbageFramesAreDroppedAndTheKernelServesOn() {
        Message forged = Message.create(List.of(), null, client.session, "kernel_info_request", Message.object());
        List<byte[]> frames = new ArrayList<>(client.codec.encode(forged));
        frames.set(1, "0000000000000000000000000000000000000000000000000000000000000000".getBytes(StandardCharsets.US_ASCII));
        client.sendFrames(client.shell, frames);
        client.sendFrames(client.shell, List.of("garbage".getBytes(StandardCharsets.UTF_8)));
        client.sendFrames(client.shell, List.of("<IDS|MSG>".getBytes(StandardCharsets.US_ASCII), new byte[] {1, 2}));
        List<byte[]> notJson = new ArrayList<>(client.codec.encode(forged));
        notJson.set(2, "{not json".getBytes(StandardCharsets.UTF_8));
        client.sendFrames(client.shell, notJson);
        assertNull(client.receive(client.shell, Duration.ofMillis(500)), "a forged or broken message was answered");

        Message info = client.send(client.shell, "kernel_info_request", Message.object());
        assertEquals("ok", client.reply(client.shell, info, WAIT).content().path("status").asText());
    }

    @Test
    void heartbeatEchoes() {
        client.heartbeat.send("ping".getBytes(StandardCharsets.US_ASCII), 0);
        assertArrayEquals("ping".getBytes(StandardCharsets.US_ASCII), client.heartbeat.recv(0));
    }

    @Test
    void commsAreAcceptedAndListed() {
        client.send(client.shell, "comm_open", Message.object().put("comm_id", "c-1").put("target_name", "evalbox.test")
                .set("data", Message.object()));
        Message info = client.send(client.shell, "comm_info_request", Message.object().put("target_name", "evalbox.test"));
        assertTrue(client.reply(client.shell, info, WAIT).content().path("comms").has("c-1"));
        client.send(client.shell, "comm_close", Message.object().put("comm_id", "c-1").set("data", Message.object()));
        Message after = client.send(client.shell, "comm_info_request", Message.object());
        assertFalse(client.reply(client.shell, after, WAIT).content().path("comms").has("c-1"));
    }

    private String lastResult(Message request) {
        Message reply = client.reply(client.shell, request, WAIT);
        assertEquals("ok", reply.content().path("status").asText(), reply.content().toString());
        return client.iopubUntilIdle(request, WAIT).stream().filter(m -> m.type().equals("execute_result"))
                .findFirst().orElseThrow().content().path("data").path("text/plain").asText();
    }
}
