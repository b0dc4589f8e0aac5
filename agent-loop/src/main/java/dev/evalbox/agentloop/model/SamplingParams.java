package dev.evalbox.agentloop.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Sampling settings passed through to the model server as given; null means "server default". */
public record SamplingParams(Double temperature, Double topP, Integer maxTokens, List<String> stop, Integer n, Long seed) {
    public static final SamplingParams DEFAULT = new SamplingParams(null, null, null, List.of(), null, null);

    public SamplingParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /**
     * Writes the settings that are set, under the OpenAI API's names, into {@code target}: what a request
     * sends (unset ones are left to the server), and what a run records as sent.
     */
    public void writeTo(ObjectNode target) {
        if (temperature != null) target.put("temperature", temperature);
        if (topP != null) target.put("top_p", topP);
        if (maxTokens != null) target.put("max_tokens", maxTokens);
        if (!stop.isEmpty()) {
            ArrayNode array = target.putArray("stop");
            stop.forEach(array::add);
        }
        if (n != null) target.put("n", n);
        if (seed != null) target.put("seed", seed);
    }

    public SamplingParams withTemperature(Double t) { return new SamplingParams(t, topP, maxTokens, stop, n, seed); }
    public SamplingParams withTopP(Double p) { return new SamplingParams(temperature, p, maxTokens, stop, n, seed); }
    public SamplingParams withMaxTokens(Integer m) { return new SamplingParams(temperature, topP, m, stop, n, seed); }
    public SamplingParams withStop(List<String> s) { return new SamplingParams(temperature, topP, maxTokens, s, n, seed); }
    public SamplingParams withN(Integer count) { return new SamplingParams(temperature, topP, maxTokens, stop, count, seed); }
    public SamplingParams withSeed(Long s) { return new SamplingParams(temperature, topP, maxTokens, stop, n, s); }
}
