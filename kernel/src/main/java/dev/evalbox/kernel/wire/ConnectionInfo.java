package dev.evalbox.kernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/** The connection file a Jupyter front end writes for a kernel: transport, address, five ports and the signing key. */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String key, String signatureScheme) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ConnectionInfo {
        if (!"tcp".equals(transport)) {
            throw new IllegalArgumentException("connection file: transport \"" + transport + "\" is not supported (only tcp)");
        }
        if (!key.isEmpty() && !"hmac-sha256".equals(signatureScheme)) {
            throw new IllegalArgumentException("connection file: signature_scheme \"" + signatureScheme
                    + "\" is not supported (only hmac-sha256)");
        }
    }

    public static ConnectionInfo read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException("connection file " + file + ": not readable JSON (" + e.getMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new IOException("connection file " + file + ": expected a JSON object");
        }
        return new ConnectionInfo(
                root.path("transport").asText("tcp"),
                required(root, "ip", file).asText(),
                port(root, "shell_port", file), port(root, "iopub_port", file), port(root, "stdin_port", file),
                port(root, "control_port", file), port(root, "hb_port", file),
                root.path("key").asText(""),
                root.path("signature_scheme").asText("hmac-sha256"));
    }

    /** A connection on loopback with five free ports and a fresh random key, for tests and `evalbox kernel` without a front end. */
    public static ConnectionInfo loopback() throws IOException {
        return new ConnectionInfo("tcp", "127.0.0.1", freePort(), freePort(), freePort(), freePort(), freePort(),
                UUID.randomUUID().toString(), "hmac-sha256");
    }

    public String endpoint(int port) {
        return transport + "://" + ip + ":" + port;
    }

    public void write(Path file) throws IOException {
        ObjectNode node = JSON.createObjectNode()
                .put("transport", transport).put("ip", ip)
                .put("shell_port", shellPort).put("iopub_port", iopubPort).put("stdin_port", stdinPort)
                .put("control_port", controlPort).put("hb_port", hbPort)
                .put("key", key).put("signature_scheme", signatureScheme).put("kernel_name", "evalbox");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    }

    private static JsonNode required(JsonNode root, String field, Path file) throws IOException {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            throw new IOException("connection file " + file + ": field \"" + field + "\" missing");
        }
        return value;
    }

    private static int port(JsonNode root, String field, Path file) throws IOException {
        JsonNode value = required(root, field, file);
        if (!value.canConvertToInt() || value.asInt() <= 0 || value.asInt() > 65535) {
            throw new IOException("connection file " + file + ": field \"" + field + "\" is not a port number: " + value);
        }
        return value.asInt();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
