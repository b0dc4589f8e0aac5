package dev.evalbox.agentloop.trajectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.sandbox.Output;
import dev.evalbox.sandbox.OutputJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One timestamped event of a task's run. A trajectory file holds one event per line (JSON with a
 * "type", the "task_id" and the "time"), so the conversation, the executions and their outputs
 * can be rebuilt without the model or the sandbox.
 */
public sealed interface TrajectoryEvent {

    String taskId();

    Instant time();

    String type();

    /** The task began, with the messages that open its conversation. */
    record TaskStarted(String taskId, Instant time, String benchmark, String model, List<ChatMessage> opening)
            implements TrajectoryEvent {
        public String type() { return "task_started"; }
    }

    /** A model call was made for this turn. */
    record ModelRequest(String taskId, Instant time, int turn, int messages) implements TrajectoryEvent {
        public String type() { return "model_request"; }
    }

    /** The model answered; {@code cached} when the answer came from the model-call cache (no request was made). */
    record ModelResponse(String taskId, Instant time, int turn, String content, Usage usage, long latencyMs, int attempts,
                         String finishReason, boolean cached) implements TrajectoryEvent {
        public ModelResponse(String taskId, Instant time, int turn, String content, Usage usage, long latencyMs, int attempts,
                             String finishReason) {
            this(taskId, time, turn, content, usage, latencyMs, attempts, finishReason, false);
        }

        public String type() { return "model_response"; }
    }

    /** Code taken from the reply ran in the sandbox. */
    record CodeExecution(String taskId, Instant time, int turn, String code, String status, List<Output> outputs,
                         long durationMs, boolean stateLost, String message) implements TrajectoryEvent {
        public String type() { return "code_execution"; }
    }

    /** The message the model sees next, made from the execution. */
    record Observation(String taskId, Instant time, int turn, String role, String content) implements TrajectoryEvent {
        public String type() { return "observation"; }
    }

    /** Something went wrong that is not the model's code's fault (a model error, a sandbox failure). */
    record Error(String taskId, Instant time, int turn, String kind, String message) implements TrajectoryEvent {
        public String type() { return "error"; }
    }

    /** The task ended: why, after how many turns, with which final answer and token use. */
    record TaskFinished(String taskId, Instant time, String stopReason, int turns, String finalAnswer, Usage usage)
            implements TrajectoryEvent {
        public String type() { return "task_finished"; }
    }

    /**
     * A judge model was asked about the task's answer: the prompt's text, the images shown with it (as the
     * run directory names them), its reply and cost, or the error that left it without one. Not part of
     * the task's conversation: replay and the conversation views pass over it. {@code cached} when the reply came
     * from the model-call cache.
     */
    record JudgeCall(String taskId, Instant time, String model, String prompt, List<String> images, String reply, Usage usage,
                     long latencyMs, int attempts, String error, boolean cached) implements TrajectoryEvent {
        public JudgeCall {
            images = List.copyOf(images);
        }

        public JudgeCall(String taskId, Instant time, String model, String prompt, List<String> images, String reply, Usage usage,
                         long latencyMs, int attempts, String error) {
            this(taskId, time, model, prompt, images, reply, usage, latencyMs, attempts, error, false);
        }

        public String type() { return "judge_call"; }
    }

    default ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type()).put("task_id", taskId()).put("time", time().toString());
        if (this instanceof TaskStarted e) {
            node.put("benchmark", e.benchmark()).put("model", e.model());
            node.set("opening", messagesJson(e.opening()));
        } else if (this instanceof ModelRequest e) {
            node.put("turn", e.turn()).put("messages", e.messages());
        } else if (this instanceof ModelResponse e) {
            node.put("turn", e.turn()).put("content", e.content()).put("latency_ms", e.latencyMs()).put("attempts", e.attempts())
                    .put("finish_reason", e.finishReason());
            if (e.cached()) node.put("cached", true);
            node.set("usage", usageJson(e.usage()));
        } else if (this instanceof CodeExecution e) {
            node.put("turn", e.turn()).put("code", e.code()).put("status", e.status()).put("duration_ms", e.durationMs())
                    .put("state_lost", e.stateLost()).put("message", e.message());
            node.set("outputs", OutputJson.toJson(e.outputs()));
        } else if (this instanceof Observation e) {
            node.put("turn", e.turn()).put("role", e.role()).put("content", e.content());
        } else if (this instanceof Error e) {
            node.put("turn", e.turn()).put("kind", e.kind()).put("message", e.message());
        } else if (this instanceof JudgeCall e) {
            node.put("model", e.model()).put("prompt", e.prompt());
            ArrayNode images = node.putArray("images");
            e.images().forEach(images::add);
            node.put("reply", e.reply()).put("latency_ms", e.latencyMs()).put("attempts", e.attempts()).put("error", e.error());
            if (e.cached()) node.put("cached", true);
            node.set("usage", usageJson(e.usage()));
        } else if (this instanceof TaskFinished e) {
            node.put("stop_reason", e.stopReason()).put("turns", e.turns()).put("final_answer", e.finalAnswer());
            node.set("usage", usageJson(e.usage()));
        }
        return node;
    }

    /** Reads an event written by {@link #toJson()}; an unknown type is an IllegalArgumentException naming it. */
    static TrajectoryEvent fromJson(JsonNode node) {
        String task = node.path("task_id").asText();
        Instant time = Instant.parse(node.path("time").asText());
        int turn = node.path("turn").asInt();
        String type = node.path("type").asText();
        return switch (type) {
            case "task_started" -> new TaskStarted(task, time, node.path("benchmark").asText(), node.path("model").asText(),
                    messages(node.path("opening")));
            case "model_request" -> new ModelRequest(task, time, turn, node.path("messages").asInt());
            case "model_response" -> new ModelResponse(task, time, turn, node.path("content").asText(), usage(node.path("usage")),
                    node.path("latency_ms").asLong(), node.path("attempts").asInt(), node.path("finish_reason").asText(null),
                    node.path("cached").asBoolean(false));
            case "code_execution" -> {
                List<Output> outputs = new ArrayList<>();
                node.path("outputs").forEach(o -> outputs.add(OutputJson.fromJson(o)));
                yield new CodeExecution(task, time, turn, node.path("code").asText(), node.path("status").asText(), outputs,
                        node.path("duration_ms").asLong(), node.path("state_lost").asBoolean(), node.path("message").asText(""));
            }
            case "observation" -> new Observation(task, time, turn, node.path("role").asText(), node.path("content").asText());
            case "error" -> new Error(task, time, turn, node.path("kind").asText(), node.path("message").asText());
            case "judge_call" -> {
                List<String> images = new ArrayList<>();
                node.path("images").forEach(i -> images.add(i.asText()));
                yield new JudgeCall(task, time, node.path("model").asText(), node.path("prompt").asText(), images,
                        node.path("reply").asText(), usage(node.path("usage")), node.path("latency_ms").asLong(),
                        node.path("attempts").asInt(), node.path("error").asText(null), node.path("cached").asBoolean(false));
            }
            case "task_finished" -> new TaskFinished(task, time, node.path("stop_reason").asText(), node.path("turns").asInt(),
                    node.path("final_answer").asText(), usage(node.path("usage")));
            default -> throw new IllegalArgumentException("unknown trajectory event type \"" + type + "\"");
        };
    }

    static ArrayNode messagesJson(List<ChatMessage> messages) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (ChatMessage m : messages) {
            ObjectNode message = array.addObject().put("role", m.role()).put("content", m.content());
            if (!m.imageUrls().isEmpty()) {
                ArrayNode images = message.putArray("images");
                m.imageUrls().forEach(images::add);
            }
        }
        return array;
    }

    static List<ChatMessage> messages(JsonNode array) {
        List<ChatMessage> messages = new ArrayList<>();
        for (JsonNode m : array) {
            List<String> images = new ArrayList<>();
            m.path("images").forEach(i -> images.add(i.asText()));
            messages.add(new ChatMessage(m.path("role").asText(), m.path("content").asText(), images));
        }
        return messages;
    }

    private static ObjectNode usageJson(Usage usage) {
        return JsonNodeFactory.instance.objectNode().put("prompt_tokens", usage.promptTokens()).put("completion_tokens", usage.completionTokens());
    }

    private static Usage usage(JsonNode node) {
        return new Usage(node.path("prompt_tokens").asInt(), node.path("completion_tokens").asInt());
    }
}
