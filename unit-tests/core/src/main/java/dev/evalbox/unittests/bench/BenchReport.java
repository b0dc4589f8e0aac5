package dev.evalbox.unittests.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a benchmark run measured, printable as a table for people or as one JSON object for
 * machines. {@code benchmark} is the stable name of what was run. Both carry the same rows; {@code context} says what was run where (image, versions,
 * settings) and {@code notes} explain how to read the rows.
 */
public record BenchReport(String benchmark, String title, Map<String, Object> context, List<Measure> measures, List<String> notes) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public BenchReport {
        context = Collections.unmodifiableMap(new LinkedHashMap<>(context));
        measures = List.copyOf(measures);
        notes = List.copyOf(notes);
    }

    /** True when every measure that has a goal met it. */
    public boolean allGoalsMet() {
        return measures.stream().map(Measure::met).filter(Objects::nonNull).allMatch(Boolean::booleanValue);
    }

    public String toTable() {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"measure", "value", "anchor", "goal", "met"});
        for (Measure m : measures) {
            rows.add(new String[] {
                    m.name(),
                    Format.number(m.value()) + " " + m.unit(),
                    m.anchor() == null ? "-" : Format.number(m.anchor()) + " " + m.unit(),
                    m.goal() == null ? "-" : m.goal().text(),
                    m.met() == null ? "-" : m.met() ? "yes" : "NO"});
        }
        int[] widths = new int[5];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) widths[i] = Math.max(widths[i], row[i].length());
        }
        StringBuilder out = new StringBuilder(title).append("\n\n");
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                // Numbers right-aligned so their magnitudes line up; text left-aligned.
                boolean numeric = r > 0 && (i == 1 || i == 2);
                String format = "%" + (numeric ? "" : "-") + widths[i] + "s";
                line.append(String.format(format, row[i])).append(i < row.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) out.append("-".repeat(line.toString().stripTrailing().length())).append('\n');
        }
        out.append('\n');
        for (String note : notes) out.append(note).append('\n');
        out.append(allGoalsMet() ? "all goals met\n" : "some goals NOT met\n");
        return out.toString();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("benchmark", benchmark);
        root.put("title", title);
        root.set("context", JSON.valueToTree(context));
        ArrayNode rows = root.putArray("measures");
        for (Measure m : measures) {
            ObjectNode row = rows.addObject();
            row.put("key", m.key());
            row.put("name", m.name());
            row.put("value", Format.rounded(m.value()));
            row.put("unit", m.unit());
            if (m.anchor() == null) row.putNull("anchor"); else row.put("anchor", Format.rounded(m.anchor()));
            if (m.goal() == null) row.putNull("goal"); else row.put("goal", m.goal().text());
            if (m.met() == null) row.putNull("met"); else row.put("met", m.met());
        }
        root.put("all_goals_met", allGoalsMet());
        root.set("notes", JSON.valueToTree(notes));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the report cannot be written as JSON", e);
        }
    }
}
