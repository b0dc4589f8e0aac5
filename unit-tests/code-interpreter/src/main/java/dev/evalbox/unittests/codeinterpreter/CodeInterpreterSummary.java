package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
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

    public static Map<String, Rate> of(Collection<JsonNode> results) {
        Map<String, Rate> table = new LinkedHashMap<>();
        table.put("executable rate: math", rate(results, List.of("math"), "executable"));
        table.put("executable rate: visualization", rate(results, List.of("visualization_hard", "visualization_easy"), "executable"));
        table.put("executable rate: general", rate(results, List.of("general"), "executable"));
        table.put("executable rate: all", rate(results, List.of("math", "visualization_hard", "visualization_easy", "general", "other"), "executable"));
        table.put("executable rate: gsm8k (evalbox)", rate(results, List.of("gsm8k"), "executable"));
        table.put("GSM8K accuracy", rate(results, List.of("gsm8k"), "passed"));
        table.put("Vis-Hard", rate(results, List.of("visualization_hard"), "passed"));
        table.put("Vis-Easy", rate(results, List.of("visualization_easy"), "passed"));
        table.put("Vis-All", rate(results, List.of("visualization_hard", "visualization_easy"), "passed"));
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
