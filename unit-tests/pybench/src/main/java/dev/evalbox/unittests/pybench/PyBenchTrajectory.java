package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * One task's conversation in PyBench's trajectory format: a JSON line {@code {"messages": [...], <task fields>}}.
 * The messages are kept verbatim, because the benchmark's tests receive exactly this list.
 */
public record PyBenchTrajectory(String index, ArrayNode messages, int lineNumber) {

    /** Assistant turns in the conversation (PyBench's "turns"). */
    public int turns() {
        int turns = 0;
        for (JsonNode message : messages) {
            if ("assistant".equals(message.path("role").asText())) turns++;
        }
        return turns;
    }

    /** PyBench's final answer: the content of the last message, whatever its role. */
    public String finalAnswer() {
        return messages.isEmpty() ? "" : messages.get(messages.size() - 1).path("content").asText("");
    }
}
