package dev.evalbox.kernel.wire;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One Jupyter message: the routing identities that precede the delimiter, the four JSON parts and
 * any binary buffers. Replies and broadcasts are made from the request they answer so the parent
 * header, session and routing are always right.
 */
public record Message(List<byte[]> identities, ObjectNode header, ObjectNode parentHeader,
                      ObjectNode metadata, ObjectNode content, List<byte[]> buffers) {

    public static final String PROTOCOL_VERSION = "5.3";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    public Message {
        identities = List.copyOf(identities);
        buffers = List.copyOf(buffers);
    }

    public String type() {
        return header.path("msg_type").asText();
    }

    public String id() {
        return header.path("msg_id").asText();
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** A message sent to the client identified by {@code identities}, answering {@code parent} (which may be null). */
    public static Message create(List<byte[]> identities, Message parent, String session, String type, ObjectNode content) {
        ObjectNode header = object()
                .put("msg_id", UUID.randomUUID().toString())
                .put("session", session)
                .put("username", parent == null ? "evalbox" : parent.header.path("username").asText("evalbox"))
                .put("date", Instant.now().toString())
                .put("msg_type", type)
                .put("version", PROTOCOL_VERSION);
        ObjectNode parentHeader = parent == null ? object() : parent.header.deepCopy();
        return new Message(identities, header, parentHeader, object(), content, List.of());
    }

    /** The reply to this request, routed back to the client that sent it. */
    public Message reply(String session, String type, ObjectNode content) {
        return create(identities, this, session, type, content);
    }
}
