package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.trajectory.JsonLines;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The tokens a run's model and judge calls used, from its trajectories.jsonl (so a resumed run counts every
 * session): paid (answered by the server) apart from cached (answered by the model-call cache, at no cost;
 * the tokens are what the stored call cost when it was paid for). run.json's {@code usage}.
 */
final class RunUsage {
    private RunUsage() { }

    static ObjectNode of(Path trajectories) {
        ObjectNode usage = RunDirectory.object();
        for (String who : new String[] {"model", "judge"}) {
            ObjectNode part = usage.putObject(who);
            for (String how : new String[] {"paid", "cached"}) {
                part.putObject(how).put("calls", 0).put("prompt_tokens", 0L).put("completion_tokens", 0L);
            }
        }
        if (!Files.isRegularFile(trajectories)) return usage;
        JsonLines.read(trajectories, (line, event) -> {
            String type = event.path("type").asText();
            String who = "model_response".equals(type) ? "model" : "judge_call".equals(type) ? "judge" : null;
            if (who == null) return null;
            if ("judge".equals(who) && !event.path("error").isNull() && !event.path("error").isMissingNode()) return null;
            ObjectNode counts = (ObjectNode) usage.path(who).path(event.path("cached").asBoolean(false) ? "cached" : "paid");
            JsonNode tokens = event.path("usage");
            counts.put("calls", counts.path("calls").asInt() + 1)
                    .put("prompt_tokens", counts.path("prompt_tokens").asLong() + tokens.path("prompt_tokens").asLong())
                    .put("completion_tokens", counts.path("completion_tokens").asLong() + tokens.path("completion_tokens").asLong());
            return null;
        }); // a line torn by kill -9 is left out, as the runner's resume leaves it
        return usage;
    }

    /** One line for the console: how many calls the cache answered, and the tokens that were not paid for again. */
    static String summary(ObjectNode usage) {
        StringBuilder line = new StringBuilder("model-call cache:");
        for (String who : new String[] {"model", "judge"}) {
            JsonNode part = usage.path(who);
            int cached = part.path("cached").path("calls").asInt();
            int all = cached + part.path("paid").path("calls").asInt();
            if (all == 0) continue;
            long saved = part.path("cached").path("prompt_tokens").asLong() + part.path("cached").path("completion_tokens").asLong();
            line.append(String.format(" %s %d of %d call(s) answered from the cache (%d tokens not paid again);", who, cached, all, saved));
        }
        if (line.charAt(line.length() - 1) == ':') return line.append(" no model or judge call").toString();
        return line.deleteCharAt(line.length() - 1).toString();
    }
}
