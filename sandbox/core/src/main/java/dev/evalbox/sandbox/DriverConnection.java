package dev.evalbox.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Java end of the driver protocol over one {@link SandboxProcess}: assembles JSON lines,
 * matches replies to requests by id and routes a cell's outputs to its {@link Execution}.
 */
final class DriverConnection implements SandboxProcess.ProtocolSink {
    private static final Logger LOG = LoggerFactory.getLogger(DriverConnection.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SandboxProcess process;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(8192);
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
    /**
     * Requests with a reply pending whose write returned: the ones a dropped connection may have lost. Guarded by
     * {@code ledger}, not by this: a write waits (holding this) for the backend to settle a drop, and settling it
     * ({@link #onDropped}) must not wait for that write.
     */
    private final java.util.Set<String> written = new java.util.HashSet<>();
    private final Object ledger = new Object();
    /** After a drop with a cell in flight: the next write first interrupts it, should it run on (guarded by ledger). */
    private boolean interruptStray;
    private final CompletableFuture<SandboxInfo> ready = new CompletableFuture<>();
    private final TailBuffer stderr = new TailBuffer(4096);
    private volatile Execution current;
    private volatile Throwable ended;

    DriverConnection(SandboxProcess process) { this.process = process; }

    /** A running cell: its outputs so far and the future of its execute_reply. */
    static final class Execution {
        final String id;
        final OutputListener listener;
        final List<Output> outputs = new ArrayList<>();
        final CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        /** The driver said the cell's code has stopped; its reply is on the way. */
        volatile boolean ending;

        Execution(String id, OutputListener listener) {
            this.id = id;
            this.listener = listener;
        }

        void add(Output output) {
            synchronized (outputs) {
                outputs.add(output);
            }
            try {
                listener.onOutput(output);
            } catch (RuntimeException e) {
                LOG.warn("output listener failed on {}: {}", output.msgType(), e.toString());
            }
        }

        List<Output> snapshot() {
            synchronized (outputs) {
                return List.copyOf(outputs);
            }
        }
    }

    SandboxInfo awaitReady(Duration timeout) throws TimeoutException, InterruptedException {
        try {
            return ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new SandboxException("the sandbox driver ended before it was ready: " + e.getCause().getMessage()
                    + diagnosticsSuffix(), e.getCause());
        }
    }

    Execution startExecute(String code, Duration timeout, long maxOutputBytes, long maxDisplayBytes,
                           OutputListener listener) throws IOException {
        String id = nextId();
        Execution execution = new Execution(id, listener);
        current = execution;
        ObjectNode content = JSON.createObjectNode()
                .put("code", code)
                .put("max_output_bytes", maxOutputBytes)
                .put("max_display_bytes", maxDisplayBytes);
        if (timeout != null && !timeout.isZero() && !timeout.isNegative()) {
            content.put("timeout", timeout.toMillis() / 1000.0);
        }
        replies.put(id, execution.reply);
        failIfEnded(execution.reply);
        try {
            send(id, "execute_request", content);
        } catch (IOException e) {
            replies.remove(id);
            throw e;
        }
        return execution;
    }

    void finished(Execution execution) {
        if (current == execution) current = null;
    }

    /** Sends a request and waits for its reply; a reply with status "error" becomes a SandboxException. */
    JsonNode call(String msgType, ObjectNode content, Duration timeout) {
        return await(msgType, send(msgType, content), timeout);
    }

    /**
     * Sends a request without waiting for its reply, so that several can be in flight (the driver
     * answers in order); {@link #await} each future it returns.
     */
    CompletableFuture<JsonNode> send(String msgType, ObjectNode content) {
        String id = nextId();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        replies.put(id, reply);
        reply.whenComplete((r, e) -> {
            replies.remove(id);
            synchronized (ledger) {
                written.remove(id);
            }
        });
        failIfEnded(reply);
        try {
            send(id, msgType, content);
        } catch (IOException e) {
            replies.remove(id);
            if (e instanceof ConnectionDroppedException dropped) {
                throw new SandboxException(msgType + " could not be sent to the sandbox: " + e.getMessage()
                        + (dropped.mayHaveArrived() ? "; it may have reached the driver" : "; it did not reach the driver"), e);
            }
            throw new SandboxException(msgType + " could not be sent to the sandbox: " + e.getMessage(), e);
        }
        return reply;
    }

    /** Waits for the reply of a request sent with {@link #send(String, ObjectNode)}. */
    JsonNode await(String msgType, CompletableFuture<JsonNode> reply, Duration timeout) {
        try {
            JsonNode answer = reply.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if ("error".equals(answer.path("status").asText())) {
                throw new SandboxException(msgType.replace("_request", "") + " failed in the sandbox: "
                        + answer.path("ename").asText() + ": " + answer.path("evalue").asText());
            }
            return answer;
        } catch (TimeoutException e) {
            reply.cancel(false); // forgets the request: a reply that comes later is dropped
            throw new SandboxException(msgType + " got no reply within " + timeout.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new SandboxException(msgType + " failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException(msgType + " was interrupted");
        }
    }

    static ObjectNode content() { return JSON.createObjectNode(); }

    void sendInterrupt() throws IOException {
        send(nextId(), "interrupt_request", content());
    }

    String diagnostics() { return stderr.text(); }

    private String diagnosticsSuffix() {
        String text = stderr.text();
        return text.isEmpty() ? "" : "\n--- sandbox stderr ---\n" + text;
    }

    private String nextId() { return Long.toString(ids.incrementAndGet()); }

    private void send(String id, String msgType, ObjectNode content) throws IOException {
        ObjectNode message = JSON.createObjectNode();
        message.put("id", id).put("msg_type", msgType).set("content", content);
        byte[] bytes = JSON.writeValueAsBytes(message);
        byte[] framed = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, framed, 0, bytes.length);
        framed[bytes.length] = '\n';
        synchronized (this) {
            boolean interruptFirst;
            synchronized (ledger) {
                interruptFirst = interruptStray;
            }
            if (interruptFirst) {
                // a cell that may still run from before a drop is interrupted, so that this request is not queued
                // behind it (nothing from before the drop is sent again)
                byte[] head = (JSON.writeValueAsString(JSON.createObjectNode().put("id", nextId()).put("msg_type", "interrupt_request")
                        .set("content", content())) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] both = new byte[head.length + framed.length];
                System.arraycopy(head, 0, both, 0, head.length);
                System.arraycopy(framed, 0, both, head.length, framed.length);
                framed = both;
            }
            process.write(framed);
            synchronized (ledger) {
                if (interruptFirst) interruptStray = false;
                if (replies.containsKey(id)) written.add(id);
            }
        }
    }

    private void failIfEnded(CompletableFuture<JsonNode> future) {
        Throwable cause = ended;
        if (cause != null) future.completeExceptionally(died(cause));
    }

    // ---- receiving (on the backend's reader thread) -------------------------------------------

    @Override
    public void onStdout(byte[] bytes, int offset, int length) {
        int start = offset;
        int end = offset + length;
        for (int i = offset; i < end; i++) {
            if (bytes[i] == '\n') {
                line.write(bytes, start, i - start);
                handleLine(line.toByteArray());
                line.reset();
                start = i + 1;
            }
        }
        line.write(bytes, start, end - start);
    }

    @Override
    public void onStderr(byte[] bytes, int offset, int length) {
        stderr.append(bytes, offset, length);
    }

    @Override
    public void onEnd(Throwable cause) {
        Throwable reason = cause != null ? cause : new IOException("the sandbox process ended");
        ended = reason;
        ready.completeExceptionally(reason);
        SandboxDiedException died = died(reason);
        replies.values().forEach(f -> f.completeExceptionally(died));
    }

    @Override
    public void onDropped(String why) {
        synchronized (ledger) {
            line.reset(); // a line the drop cut in half would spoil the first one of the new connection
            boolean cellInFlight = false;
            for (String id : List.copyOf(written)) {
                CompletableFuture<JsonNode> reply = replies.remove(id);
                if (reply == null) continue;
                Execution execution = current;
                cellInFlight |= execution != null && execution.id.equals(id);
                reply.completeExceptionally(new ConnectionDroppedException("the connection to the sandbox dropped (" + why
                        + ") after the request was sent and before its reply came", true));
            }
            written.clear();
            interruptStray |= cellInFlight;
        }
    }

    private SandboxDiedException died(Throwable reason) {
        return new SandboxDiedException("the sandbox process ended (" + reason.getMessage() + ")" + diagnosticsSuffix(), reason);
    }

    private void handleLine(byte[] bytes) {
        if (bytes.length == 0) return;
        JsonNode message;
        try {
            message = JSON.readTree(bytes);
        } catch (IOException e) {
            LOG.warn("ignoring a line from the sandbox driver that is not JSON ({} bytes)", bytes.length);
            return;
        }
        String id = message.path("id").isNull() ? null : message.path("id").asText(null);
        String type = message.path("msg_type").asText();
        JsonNode content = message.path("content");
        switch (type) {
            case "ready" -> ready.complete(new SandboxInfo(content.path("runner").asText(),
                    content.path("python").asText(), content.path("cwd").asText(),
                    content.path("ipython_unavailable").isNull() ? null : content.path("ipython_unavailable").asText()));
            case "stream", "execute_result", "display_data", "update_display_data", "error", "clear_output" ->
                    route(id, OutputJson.fromMessage(type, content));
            case "execute_ending" -> {
                Execution execution = current;
                if (execution != null && execution.id.equals(id)) execution.ending = true;
            }
            case "protocol_error" -> LOG.warn("sandbox driver reported a protocol error: {}", content.path("evalue").asText());
            default -> {
                CompletableFuture<JsonNode> reply = id == null ? null : replies.remove(id);
                if (id != null) {
                    synchronized (ledger) {
                        written.remove(id);
                    }
                }
                if (reply != null) reply.complete(content);
            }
        }
    }

    private void route(String id, Output output) {
        Execution execution = current;
        if (execution != null && (id == null || id.equals(execution.id))) {
            execution.add(output);
        } else {
            LOG.debug("dropping {} output that arrived outside any cell", output.msgType());
        }
    }
}
