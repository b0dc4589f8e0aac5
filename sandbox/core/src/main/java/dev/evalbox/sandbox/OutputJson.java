package dev.evalbox.sandbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Outputs as JSON in the shape of nbformat's cell outputs ({@code output_type} stream,
 * execute_result, display_data, error), so run files can be read by Jupyter tooling and back.
 */
public final class OutputJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private OutputJson() { }

    public static ObjectNode toJson(Output output) {
        ObjectNode node = JSON.createObjectNode();
        node.put("output_type", output.msgType());
        if (output instanceof Output.Stream s) {
            node.put("name", s.name()).put("text", s.text());
        } else if (output instanceof Output.ExecuteResult r) {
            node.put("execution_count", r.executionCount());
            node.set("data", JSON.valueToTree(r.data()));
            node.set("metadata", JSON.valueToTree(r.metadata()));
        } else if (output instanceof Output.DisplayData d) {
            node.set("data", JSON.valueToTree(d.data()));
            node.set("metadata", JSON.valueToTree(d.metadata()));
            d.displayId().ifPresent(id -> node.putObject("transient").put("display_id", id));
        } else if (output instanceof Output.Error e) {
            node.put("ename", e.ename()).put("evalue", e.evalue());
            ArrayNode traceback = node.putArray("traceback");
            e.traceback().forEach(traceback::add);
        } else if (output instanceof Output.ClearOutput c) {
            node.put("wait", c.await());
        }
        return node;
    }

    public static ArrayNode toJson(List<Output> outputs) {
        ArrayNode array = JSON.createArrayNode();
        outputs.forEach(o -> array.add(toJson(o)));
        return array;
    }

    /** Reads an output written by {@link #toJson(Output)} (or by Jupyter); unknown types are rejected. */
    public static Output fromJson(JsonNode node) {
        return fromMessage(node.path("output_type").asText(), node);
    }

    /**
     * An output from a Jupyter-shaped message: its msg_type and its content (the driver's messages, and
     * nbformat outputs, whose fields are the same). Unknown types are an IllegalArgumentException.
     */
    public static Output fromMessage(String type, JsonNode node) {
        return switch (type) {
            case "stream" -> new Output.Stream(node.path("name").asText("stdout"), text(node.path("text")));
            case "execute_result" -> new Output.ExecuteResult(node.path("execution_count").asInt(),
                    map(node.path("data")), map(node.path("metadata")));
            case "display_data", "update_display_data" -> new Output.DisplayData(map(node.path("data")),
                    map(node.path("metadata")),
                    Optional.ofNullable(node.path("transient").path("display_id").asText(null)),
                    type.startsWith("update"));
            case "error" -> {
                List<String> traceback = new ArrayList<>();
                node.path("traceback").forEach(n -> traceback.add(n.asText()));
                yield new Output.Error(node.path("ename").asText(), node.path("evalue").asText(), traceback);
            }
            case "clear_output" -> new Output.ClearOutput(node.path("wait").asBoolean());
            default -> throw new IllegalArgumentException("unknown output_type \"" + type + "\"");
        };
    }

    /** nbformat allows multi-line strings as lists of lines. */
    private static String text(JsonNode node) {
        if (!node.isArray()) return node.asText("");
        StringBuilder joined = new StringBuilder();
        node.forEach(n -> joined.append(n.asText()));
        return joined.toString();
    }

    private static Map<String, Object> map(JsonNode node) {
        if (!node.isObject()) return Map.of();
        return JSON.convertValue(node, MAP);
    }
}
