package dev.evalbox.kernel.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Turns multipart frames into messages and back: identities, {@code <IDS|MSG>}, signature, four JSON frames, buffers. */
public final class WireCodec {
    static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MessageSigner signer;

    public WireCodec(MessageSigner signer) {
        this.signer = signer;
    }

    public Message decode(List<byte[]> frames) throws BadMessageException {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0) {
            throw new BadMessageException("no <IDS|MSG> delimiter among " + frames.size() + " frames");
        }
        if (frames.size() - delimiter - 1 < 5) {
            throw new BadMessageException("expected a signature and four JSON frames after the delimiter, got "
                    + (frames.size() - delimiter - 1) + " frames");
        }
        List<byte[]> json = frames.subList(delimiter + 2, delimiter + 6);
        if (!signer.verify(frames.get(delimiter + 1), json)) {
            throw new BadMessageException("bad signature");
        }
        ObjectNode header = object(json.get(0), "header");
        if (!header.path("msg_type").isTextual() || !header.path("msg_id").isTextual()) {
            throw new BadMessageException("header lacks msg_type or msg_id");
        }
        return new Message(frames.subList(0, delimiter), header, object(json.get(1), "parent_header"),
                object(json.get(2), "metadata"), object(json.get(3), "content"),
                frames.subList(delimiter + 6, frames.size()));
    }

    public List<byte[]> encode(Message message) {
        List<byte[]> json = List.of(bytes(message.header()), bytes(message.parentHeader()),
                bytes(message.metadata()), bytes(message.content()));
        List<byte[]> frames = new ArrayList<>(message.identities().size() + 6 + message.buffers().size());
        frames.addAll(message.identities());
        frames.add(DELIMITER);
        frames.add(signer.sign(json).getBytes(StandardCharsets.US_ASCII));
        frames.addAll(json);
        frames.addAll(message.buffers());
        return frames;
    }

    private static ObjectNode object(byte[] frame, String part) throws BadMessageException {
        JsonNode node;
        try {
            node = JSON.readTree(frame);
        } catch (java.io.IOException e) {
            throw new BadMessageException(part + " is not JSON: " + e.getMessage().lines().findFirst().orElse(""));
        }
        if (node == null || !node.isObject()) {
            throw new BadMessageException(part + " is not a JSON object");
        }
        return (ObjectNode) node;
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a message part could not be written as JSON", e);
        }
    }
}
