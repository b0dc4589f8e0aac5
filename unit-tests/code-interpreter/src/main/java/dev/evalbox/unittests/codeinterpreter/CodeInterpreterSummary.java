package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.stats.Observations;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's table for a run, from its results.jsonl lines: executable rates for math,
 * visualization, general and all; GSM8K accuracy; Vis-Hard, Vis-Easy and Vis-All; each with counts.
 * As in the benchmark, the executable rates count the items of its own file only (its "all" is every
 * item of the file, 295 in the published runs); GSM8K questions are scored for accuracy, and their
 * executable rate, which the benchmark does not compute, is evalbox's own row.
 */
public final class CodeInterpreterSummary {
    private CodeInterpreterSummary() { }

    /** A rate with what it counts; {@code total} 0 means nothing to report. */
    public record Rate(int passed, int total) {
        public double percent() { return total == 0 ? 0 : 100.0 * passed / total; }
        @Override public String toString() { return total == 0 ? "-" : String.format("%.1f%% (%d/%d)", percent(), passed, total); }
    }

    /** What a rate counts: rows of these kinds, by this boolean field. */
    private record Counted(List<String> kinds, String field) { }

    private static final Map<String, Counted> COUNTED = new LinkedHashMap<>();
    static {
        COUNTED.put("executable rate: math", new Counted(List.of("math"), "executable"));
        COUNTED.put("executable rate: visualization", new Counted(List.of("visualization_hard", "visualization_easy"), "executable"));
        COUNTED.put("executable rate: general", new Counted(List.of("general"), "executable"));
        COUNTED.put("executable rate: all", new Counted(List.of("math", "visualization_hard", "visualization_easy", "general", "other"), "executable"));
        COUNTED.put("executable rate: gsm8k (evalbox)", new Counted(List.of("gsm8k"), "executable"));
        COUNTED.put("GSM8K accuracy", new Counted(List.of("gsm8k"), "passed"));
        COUNTED.put("Vis-Hard", new Counted(List.of("visualization_hard"), "passed"));
        COUNTED.put("Vis-Easy", new Counted(List.of("visualization_easy"), "passed"));
        COUNTED.put("Vis-All", new Counted(List.of("visualization_hard", "visualization_easy"), "passed"));
    }

    public static Map<String, Rate> of(Collection<JsonNode> results) {
        return of(results, new Observations());
    }

    /**
     * The table, and into {@code observations} each counted row as one attempt of its task (100 or 0) under the
     * rate's {@code percent} (pointer {@code /<name>/percent}), so that every rate gets its interval.
     */
    public static Map<String, Rate> of(Collection<JsonNode> results, Observations observations) {
        Map<String, Rate> table = new LinkedHashMap<>();
        COUNTED.forEach((name, counted) -> table.put(name, rate(results, counted.kinds(), counted.field())));
        table.forEach((name, rate) -> {
            if (rate.total() > 0) observations.metric(Observations.pointer(name, "percent"), 0, 100);
        });
        for (JsonNode r : results) {
            String kind = r.path("kind").asText();
            table.keySet().forEach(name -> {
                Counted counted = COUNTED.get(name);
                if (!counted.kinds().contains(kind)) return;
                if (counted.field().equals("passed") && r.path("passed").isNull()) return;
                observations.addPass(Observations.pointer(name, "percent"), r.path("task_id").asText(), r.path(counted.field()).asBoolean());
            });
        }
        return table;
    }

    private static Rate rate(Collection<JsonNode> results, List<String> kinds, String field) {
        int passed = 0;
        int total = 0;
        for (JsonNode r : results) {
            if (!kinds.contains(r.path("kind").asText())) continue;
            if (field.equals("passed") && r.path("passed").isNull()) continue; // not judged: not counted
            total++;
            if (r.path(field).asBoolean()) passed++;
        }
        return new Rate(passed, total);
    }

    public static ObjectNode json(Map<String, Rate> table) {
        ObjectNode node = RunDirectory.object();
        table.forEach((name, rate) -> node.putObject(name).put("passed", rate.passed()).put("total", rate.total())
                .put("percent", rate.total() == 0 ? null : rate.percent()));
        return node;
    }
}
