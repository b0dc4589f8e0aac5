package dev.evalbox.kernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.kernel.wire.BadMessageException;
import dev.evalbox.kernel.wire.Channel;
import dev.evalbox.kernel.wire.ConnectionInfo;
import dev.evalbox.kernel.wire.Message;
import dev.evalbox.kernel.wire.MessageSigner;
import dev.evalbox.kernel.wire.WireCodec;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/** A minimal Jupyter front end for tests: DEALER sockets sharing one identity, a SUB on iopub, a REQ heartbeat. */
final class KernelClient implements AutoCloseable {
    final ZContext context = new ZContext();
    final ZMQ.Socket shell;
    final ZMQ.Socket control;
    final ZMQ.Socket stdin;
    final ZMQ.Socket iopub;
    final ZMQ.Socket heartbeat;
    final WireCodec codec;
    final String session = UUID.randomUUID().toString();

    KernelClient(ConnectionInfo info) {
        codec = new WireCodec(new MessageSigner(info.key()));
        byte[] identity = session.getBytes(StandardCharsets.US_ASCII);
        shell = dealer(info.endpoint(info.shellPort()), identity);
        control = dealer(info.endpoint(info.controlPort()), identity);
        stdin = dealer(info.endpoint(info.stdinPort()), identity);
        iopub = context.createSocket(SocketType.SUB);
        iopub.subscribe(new byte[0]);
        iopub.connect(info.endpoint(info.iopubPort()));
        heartbeat = context.createSocket(SocketType.REQ);
        heartbeat.setReceiveTimeOut(5000);
        heartbeat.connect(info.endpoint(info.hbPort()));
    }

    private ZMQ.Socket dealer(String endpoint, byte[] identity) {
        ZMQ.Socket socket = context.createSocket(SocketType.DEALER);
        socket.setIdentity(identity);
        socket.setLinger(0);
        socket.connect(endpoint);
        return socket;
    }

    /** Sends a request and returns it (its id is the parent id of everything it causes). */
    Message send(ZMQ.Socket socket, String type, ObjectNode content) {
        Message request = Message.create(List.of(), null, session, type, content);
        sendFrames(socket, codec.encode(request));
        return request;
    }

    void sendFrames(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    Message execute(String code) {
        return send(shell, "execute_request", executeContent(code));
    }

    static ObjectNode executeContent(String code) {
        return Message.object().put("code", code).put("silent", false).put("store_history", true)
                .put("allow_stdin", false).put("stop_on_error", true).set("user_expressions", Message.object());
    }

    /** The next message on the socket, or null after the timeout. */
    Message receive(ZMQ.Socket socket, Duration timeout) {
        socket.setReceiveTimeOut((int) timeout.toMillis());
        List<byte[]> frames = Channel.readFrames(socket, 0);
        if (frames == null) {
            return null;
        }
        try {
            return codec.decode(frames);
        } catch (BadMessageException e) {
            throw new AssertionError("the kernel sent a bad message: " + e.getMessage(), e);
        }
    }

    /** The reply to {@code request} on {@code socket}, skipping replies to other requests. */
    Message reply(ZMQ.Socket socket, Message request, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Message message = receive(socket, Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
            if (message != null && message.parentHeader().path("msg_id").asText().equals(request.id())) {
                return message;
            }
        }
        throw new AssertionError("no reply to " + request.type() + " within " + timeout);
    }

    /** The iopub messages caused by {@code request}, from its busy status to its idle status. */
    List<Message> iopubUntilIdle(Message request, Duration timeout) {
        List<Message> messages = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Message message = receive(iopub, Duration.ofMillis(200));
            if (message == null || !message.parentHeader().path("msg_id").asText().equals(request.id())) {
                continue;
            }
            messages.add(message);
            if (message.type().equals("status") && message.content().path("execution_state").asText().equals("idle")) {
                return messages;
            }
        }
        throw new AssertionError("no idle status for " + request.type() + " within " + timeout + "; got " + types(messages));
    }

    /**
     * The first iopub message caused by {@code request} that matches, such as the stream a running
     * cell printed: what a test waits for to know the cell runs, instead of sleeping. Messages before
     * it are consumed.
     */
    Message firstIopub(Message request, Predicate<Message> matching, Duration timeout) {
        List<Message> seen = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Message message = receive(iopub, Duration.ofMillis(200));
            if (message == null || !message.parentHeader().path("msg_id").asText().equals(request.id())) {
                continue;
            }
            if (matching.test(message)) {
                return message;
            }
            seen.add(message);
        }
        throw new AssertionError("no matching iopub message for " + request.type() + " within " + timeout + "; got " + types(seen));
    }

    /** A stream message whose text contains {@code text}. */
    static Predicate<Message> streamContaining(String text) {
        return m -> m.type().equals("stream") && m.content().path("text").asText().contains(text);
    }

    static List<String> types(List<Message> messages) {
        return messages.stream().map(m -> m.type().equals("status")
                ? "status:" + m.content().path("execution_state").asText() : m.type()).toList();
    }

    /** Waits until iopub delivers: a SUB socket drops what was published before its subscription took effect. */
    void awaitIopub() {
        for (int attempt = 0; attempt < 50; attempt++) {
            Message info = send(shell, "kernel_info_request", Message.object());
            reply(shell, info, Duration.ofSeconds(30));
            Message status = receive(iopub, Duration.ofMillis(200));
            if (status != null) {
                while (receive(iopub, Duration.ofMillis(100)) != null) {
                    // drain the rest of that request's statuses
                }
                return;
            }
        }
        throw new AssertionError("iopub never delivered a message");
    }

    @Override
    public void close() {
        context.close();
    }
}
