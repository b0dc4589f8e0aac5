package dev.evalbox.kernel.wire;

import org.zeromq.ZMQ;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One of the kernel's sockets speaking whole messages. Receiving happens on the socket's own
 * thread; sending is serialised by a lock because iopub is written from every thread that prints.
 * A message that fails to decode is reported to {@code onBadMessage} and dropped, never thrown.
 */
public final class Channel {
    private final String name;
    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final Consumer<String> onBadMessage;
    private final Object sendLock = new Object();

    public Channel(String name, ZMQ.Socket socket, WireCodec codec, Consumer<String> onBadMessage) {
        this.name = name;
        this.socket = socket;
        this.codec = codec;
        this.onBadMessage = onBadMessage;
    }

    public String name() {
        return name;
    }

    /** The next valid message, or null when none arrived within the socket's receive timeout. */
    public Message receive() {
        return receive(0);
    }

    /** The next valid message if one has already arrived, else null at once. */
    public Message receiveNow() {
        return receive(ZMQ.DONTWAIT);
    }

    private Message receive(int flags) {
        while (true) {
            List<byte[]> frames = readFrames(socket, flags);
            if (frames == null) {
                return null;
            }
            try {
                return codec.decode(frames);
            } catch (BadMessageException e) {
                onBadMessage.accept(name + ": dropped a message (" + e.getMessage() + ")");
            }
        }
    }

    /** All frames of the next multipart message, or null when none came (timeout, or none waiting with DONTWAIT). */
    public static List<byte[]> readFrames(ZMQ.Socket socket, int flags) {
        byte[] first = socket.recv(flags);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    public void send(Message message) {
        List<byte[]> frames = codec.encode(message);
        synchronized (sendLock) {
            for (int i = 0; i < frames.size(); i++) {
                socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
            }
        }
    }
}
