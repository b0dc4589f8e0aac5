package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.trajectory.JsonLines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads ArtifactsBench files: tasks (index, question, checklist, class, difficulty) and answers
 * (index with answer, or model_infer_result, or output, as the reference looks them up; only the text
 * after the last "&lt;/think&gt;" is kept, stripped). Bad lines are reported, the rest are read.
 */
public final class ArtifactsData {
    /** What a file held, and what was wrong with the lines that could not be used. */
    public record Loaded<T>(List<T> items, List<String> problems) { }

    private ArtifactsData() { }

    public static Loaded<ArtifactsTask> readTasks(Path file) {
        List<ArtifactsTask> tasks = new ArrayList<>();
        List<String> problems = JsonLines.read(file, (number, node) -> {
            if (!node.isObject()) return "expected a JSON object";
            if (!node.has("index") || !node.get("index").isValueNode()) return "field \"index\" missing";
            if (!node.path("question").isTextual()) return "field \"question\" missing or not a string";
            if (!node.path("checklist").isArray()) return "field \"checklist\" missing or not a list";
            List<ArtifactsTask.ChecklistItem> checklist = new ArrayList<>();
            for (JsonNode item : node.get("checklist")) {
                if (!item.path("title").isTextual() || !item.has("maxScore")) return "a checklist item lacks \"title\" or \"maxScore\"";
                checklist.add(new ArtifactsTask.ChecklistItem(item.path("id").asInt(), item.get("title").asText(),
                        item.path("description").asText(""), item.get("maxScore").asInt()));
            }
            tasks.add(new ArtifactsTask(node.get("index").asText(), node.get("question").asText(), checklist,
                    node.path("class").asText(""), node.path("difficulty").asText("")));
            return null;
        });
        return new Loaded<>(List.copyOf(tasks), problems);
    }

    /** Answers by task index. */
    public static Loaded<Map.Entry<String, String>> readAnswers(Path file) {
        Map<String, String> answers = new LinkedHashMap<>();
        List<String> problems = JsonLines.read(file, (number, node) -> {
            if (!node.isObject()) return "expected a JSON object";
            if (!node.has("index") || !node.get("index").isValueNode()) return "field \"index\" missing";
            answers.put(node.get("index").asText(), answerText(node));
            return null;
        });
        return new Loaded<>(List.copyOf(answers.entrySet()), problems);
    }

    /** The reference's lookup: the first non-empty of model_infer_result, output, answer; the text after the last "</think>", stripped. */
    static String answerText(JsonNode node) {
        String answer = "";
        for (String field : List.of("model_infer_result", "output", "answer")) {
            if (node.path(field).isTextual() && !node.get(field).asText().isEmpty()) {
                answer = node.get(field).asText();
                break;
            }
        }
        return ThinkCut.after(answer);
    }
}
