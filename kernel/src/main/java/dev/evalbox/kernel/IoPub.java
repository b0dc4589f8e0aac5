package dev.evalbox.kernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.kernel.wire.Channel;
import dev.evalbox.kernel.wire.Message;

import java.util.List;

/** The kernel's broadcasts: status, the cell's input, streams, displays, results and errors, each tied to the request that caused it. */
final class IoPub {
    private final Channel channel;
    private final String session;

    IoPub(Channel channel, String session) {
        this.channel = channel;
        this.session = session;
    }

    void publish(Message parent, String type, ObjectNode content) {
        // The topic frame lets subscribers filter; front ends subscribe to everything.
        List<byte[]> topic = List.of(("kernel." + session + "." + type).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        channel.send(Message.create(topic, parent, session, type, content));
    }

    void status(Message parent, String state) {
        publish(parent, "status", Message.object().put("execution_state", state));
    }
}
