package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.ConnectionDroppedException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.WebSocket;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * One attach connection to a pod's container: a websocket on {@code pods/NAME/attach} speaking the
 * {@code v4.channel.k8s.io} protocol, where every binary message starts with its channel byte (0 stdin, 1 stdout,
 * 2 stderr, 3 the status once the process ended). Written here rather than through fabric8's exec/attach DSL
 * for two reasons: that DSL first lists the pod to wait for it to be ready (an API call per sandbox the
 * provider's informer already answers), and the JDK's websocket refuses a send while the previous one is in
 * flight, which this channel waits out. Received bytes go to the handler on the client's own thread.
 */
final class AttachChannel implements WebSocket.Listener {
    static final String PROTOCOL = "v4.channel.k8s.io";
    static final int CHUNK = 32 * 1024;
    private static final long SEND_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** What arrives on the connection. */
    interface Handler {
        void stdout(byte[] bytes, int offset, int length);

        void stderr(byte[] bytes, int offset, int length);

        /** Channel 3: the API server's Status for the attached process, as JSON. */
        void status(String json);

        /** The connection ended, normally ({@code error} null) or not. */
        void closed(int code, String reason, Throwable error);
    }

    private final Handler handler;
    private final AtomicBoolean over = new AtomicBoolean();
    private volatile WebSocket socket;

    private AttachChannel(Handler handler) { this.handler = handler; }

    static CompletableFuture<AttachChannel> open(KubernetesClient client, String namespace, String pod, String container, Handler handler) {
        String base = client.getMasterUrl().toString();
        if (!base.endsWith("/")) base += "/";
        URI uri = URI.create(base + "api/v1/namespaces/" + enc(namespace) + "/pods/" + enc(pod) + "/attach?container=" + enc(container)
                + "&stdin=true&stdout=true&stderr=true");
        AttachChannel channel = new AttachChannel(handler);
        return client.getHttpClient().newWebSocketBuilder().subprotocol(PROTOCOL).uri(uri).buildAsync(channel)
                .thenApply(ws -> {
                    channel.socket = ws;
                    return channel;
                });
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }

    /**
     * Sends bytes on channel 0 (the process's stdin), in messages of at most {@link #CHUNK} bytes (a process's
     * stdin is a stream, so the cut is invisible to it, and no server's message size limit is met), each once
     * the previous one has left. A connection that is closed, or closes before the last message has left, is a
     * {@link ConnectionDroppedException} that says whether any message had gone out.
     */
    synchronized void send(byte[] bytes) throws IOException {
        for (int offset = 0; offset < bytes.length; offset += CHUNK) {
            if (!sendFrame(bytes, offset, Math.min(CHUNK, bytes.length - offset))) {
                throw new ConnectionDroppedException(offset == 0 ? "the attach connection had closed; nothing was sent"
                        : "the attach connection closed after " + offset + " of " + bytes.length + " bytes were sent", offset > 0);
            }
        }
    }

    /** False when the connection is over (nothing of this message left). */
    private boolean sendFrame(byte[] bytes, int offset, int length) throws IOException {
        WebSocket ws = socket;
        if (ws == null || over.get()) return false;
        long deadline = System.nanoTime() + SEND_LIMIT_NANOS;
        while (ws.queueSize() > 0) {
            if (over.get()) return false;
            if (System.nanoTime() > deadline) throw new IOException("the attach connection took no data for 60 s");
            LockSupport.parkNanos(50_000);
        }
        byte[] frame = new byte[length + 1];
        frame[0] = 0;
        System.arraycopy(bytes, offset, frame, 1, length);
        return ws.send(ByteBuffer.wrap(frame));
    }

    void close() {
        WebSocket ws = socket;
        if (ws != null) ws.sendClose(1000, "");
        end(1000, "closed by evalbox", null);
    }

    @Override
    public void onOpen(WebSocket ws) {
        socket = ws;
        ws.request();
    }

    @Override
    public void onMessage(WebSocket ws, ByteBuffer message) {
        try {
            if (message.remaining() > 1 && !over.get()) {
                int channel = message.get();
                byte[] bytes = new byte[message.remaining()];
                message.get(bytes);
                switch (channel) {
                    case 1 -> handler.stdout(bytes, 0, bytes.length);
                    case 2 -> handler.stderr(bytes, 0, bytes.length);
                    case 3 -> handler.status(new String(bytes, StandardCharsets.UTF_8));
                    default -> { } // an empty stream-ready message, or a channel attach does not use
                }
            }
        } finally {
            ws.request();
        }
    }

    @Override
    public void onMessage(WebSocket ws, String text) { ws.request(); }

    @Override
    public void onClose(WebSocket ws, int code, String reason) { end(code, reason, null); }

    @Override
    public void onError(WebSocket ws, Throwable error) { end(-1, String.valueOf(error.getMessage()), error); }

    private void end(int code, String reason, Throwable error) {
        if (over.compareAndSet(false, true)) handler.closed(code, reason, error);
    }

    boolean isOpen() { return !over.get(); }
}
