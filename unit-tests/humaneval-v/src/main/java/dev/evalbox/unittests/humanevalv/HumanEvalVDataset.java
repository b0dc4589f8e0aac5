package dev.evalbox.unittests.humanevalv;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.trajectory.JsonLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads HumanEval-V: the Hugging Face parquet file (see {@link HumanEvalVParquet}) or an export in JSON
 * Lines: one task per line with the dataset's fields, its image a PNG path relative to the JSONL file
 * ("image" in v0.1, "diagram" in v2). The release is detected per line and must be the same on every
 * line; each bad line is reported with what is wrong.
 */
public final class HumanEvalVDataset {
    /** The tasks that loaded, the release, and each unusable line's problem. */
    public record Loaded(List<HumanEvalVItem> items, HumanEvalVGrader.Version version, List<String> problems) { }

    private HumanEvalVDataset() { }

    /**
     * The parquet file when {@code file} is one (by its magic bytes, or its .parquet name, which then must be
     * valid), its images written as PNG files into {@code imageDir}; a JSON Lines export otherwise.
     */
    public static Loaded read(Path file, Path imageDir) {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("no dataset file " + file);
        if (HumanEvalVParquet.looksLikeParquet(file) || file.getFileName().toString().endsWith(".parquet")) {
            return HumanEvalVParquet.read(file, imageDir);
        }
        return readJsonl(file);
    }

    public static Loaded readJsonl(Path file) {
        Path base = file.toAbsolutePath().getParent();
        List<HumanEvalVItem> items = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        HumanEvalVGrader.Version[] version = {null};
        List<String> problems = JsonLines.read(file, (number, node) -> {
            if (!node.isObject()) return "expected a JSON object";
            HumanEvalVGrader.Version lineVersion = node.has("diagram") ? HumanEvalVGrader.Version.V2
                    : node.has("image") ? HumanEvalVGrader.Version.V1 : null;
            if (lineVersion == null) return "no \"image\" (v0.1) or \"diagram\" (v2) field: not a HumanEval-V record";
            if (version[0] == null) version[0] = lineVersion;
            if (version[0] != lineVersion) return "a " + lineVersion + " record in a " + version[0] + " file";
            String imageField = lineVersion == HumanEvalVGrader.Version.V2 ? "diagram" : "image";
            for (String field : List.of("qid", imageField, "function_signature", "test_script")) {
                if (!node.path(field).isTextual()) return "field \"" + field + "\" missing or not a string";
            }
            String qid = node.get("qid").asText();
            if (!seen.add(qid)) return "task " + qid + " appears twice";
            Path image = base.resolve(node.get(imageField).asText()).normalize();
            if (!Files.isRegularFile(image)) return "task " + qid + ": image " + node.get(imageField).asText() + " not found next to the file";
            String description = text(node, lineVersion == HumanEvalVGrader.Version.V2 ? "ground_truth_diagram_description" : "image_description");
            items.add(new HumanEvalVItem(qid, lineVersion, image, node.get("function_signature").asText(), node.get("test_script").asText(),
                    text(node, "ground_truth_solution"), description, text(node, "task_type"), aspects(node.path("capability_aspects"))));
            return null;
        });
        return new Loaded(List.copyOf(items), version[0], problems);
    }

    private static Map<String, List<String>> aspects(JsonNode node) {
        Map<String, List<String>> aspects = new TreeMap<>();
        node.fields().forEachRemaining(e -> {
            List<String> labels = new ArrayList<>();
            e.getValue().forEach(label -> labels.add(label.asText()));
            aspects.put(e.getKey(), labels);
        });
        return aspects;
    }

    private static String text(JsonNode node, String field) {
        return node.path(field).isTextual() ? node.get(field).asText() : null;
    }
}
