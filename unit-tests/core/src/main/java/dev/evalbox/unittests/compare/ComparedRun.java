package dev.evalbox.unittests.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.eval.stats.Bootstrap;
import dev.evalbox.unittests.eval.stats.Estimate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run as {@code evalbox compare} sees it: its benchmark and model, its headline metric with its
 * interval, and each task's value, the mean over the task's attempts (epochs, samples): for a pass/fail
 * benchmark the share of attempts passed in percent (a row without a verdict counts as failed), for a
 * scoring benchmark the mean score of the attempts that got one (a task with none has no value).
 *
 * @param label    how tables name the run: the model, with the directory when two runs share a model
 * @param passFail whether the rows are pass/fail verdicts (else scores)
 * @param headline the metric a leaderboard sorts by and its estimate (from metrics.json when the run has one)
 * @param attempts each task's attempts with their verdicts, in epoch and sample order (pass/fail runs only, else empty):
 *                 compare links a flipped task to each of them, not only to epoch 1's entry
 */
public record ComparedRun(Path path, String label, String benchmark, String model, boolean passFail, String headline,
                          Estimate estimate, Map<String, Double> taskValues, Map<String, List<TaskAttempt>> attempts) {

    public ComparedRun {
        taskValues = Collections.unmodifiableMap(new LinkedHashMap<>(taskValues));
        attempts = Collections.unmodifiableMap(new LinkedHashMap<>(attempts));
    }

    /** The task's attempts, in epoch and sample order; empty for a task the run lacks or a scoring run. */
    public List<TaskAttempt> attemptsOf(String task) { return attempts.getOrDefault(task, List.of()); }

    /** Reads a run directory; a directory without results.jsonl is not a run. */
    public static ComparedRun load(Path path) {
        if (!Files.isRegularFile(path.resolve("results.jsonl"))) {
            throw new UserException(path + " is not a run directory: it has no results.jsonl");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode run = read(json, path.resolve("run.json"));
        JsonNode metrics = read(json, path.resolve("metrics.json"));
        if (metrics.size() == 0) metrics = run.path("metrics");
        List<JsonNode> rows = RunDirectory.readResults(path);
        if (rows.isEmpty()) throw new UserException(path + " has no results yet (results.jsonl is empty)");
        boolean passFail = rows.stream().noneMatch(r -> r.has("score"));
        Map<String, List<Double>> byTask = new LinkedHashMap<>();
        // a later line of the same attempt (a re-grade appended) replaces the earlier one
        Map<String, Map<String, TaskAttempt>> attemptsByTask = new LinkedHashMap<>();
        for (JsonNode row : rows) {
            String task = row.path("task_id").asText();
            if (passFail) {
                byTask.computeIfAbsent(task, t -> new ArrayList<>()).add(row.path("passed").asBoolean(false) ? 100.0 : 0.0);
                TaskAttempt attempt = new TaskAttempt(row.path("epoch").asInt(1), row.path("sample").asInt(0), row.path("passed").asBoolean(false));
                attemptsByTask.computeIfAbsent(task, t -> new LinkedHashMap<>()).put(attempt.epoch() + "/" + attempt.sample(), attempt);
            } else if (row.path("score").isNumber()) {
                byTask.computeIfAbsent(task, t -> new ArrayList<>()).add(row.path("score").asDouble());
            }
        }
        Map<String, List<TaskAttempt>> attempts = new LinkedHashMap<>();
        attemptsByTask.forEach((task, byAttempt) -> attempts.put(task, byAttempt.values().stream()
                .sorted(java.util.Comparator.comparingInt(TaskAttempt::epoch).thenComparingInt(TaskAttempt::sample)).toList()));
        Map<String, Double> values = new LinkedHashMap<>();
        byTask.forEach((task, list) -> values.put(task, list.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        String benchmark = run.path("benchmark").asText("unknown");
        String model = RunRecord.modelName(run);
        String headline = metrics.path("headline").asText(passFail ? "pass rate" : "mean score");
        JsonNode recorded = recordedEstimate(metrics, headline);
        Estimate estimate = recorded.isObject() ? fromJson(recorded)
                : Estimate.of(wrap(values), 0, passFail ? 100 : Double.POSITIVE_INFINITY, Bootstrap.standard());
        return new ComparedRun(path, model != null ? model : path.getFileName().toString(), benchmark, model, passFail, headline,
                estimate, values, attempts);
    }

    /**
     * The headline's interval as metrics.json records it: under the headline's own pointer ({@code /pass_rate}),
     * or the first value inside it when the headline is an object (Code Interpreter's {@code /Vis-All/percent}).
     */
    private static JsonNode recordedEstimate(JsonNode metrics, String headline) {
        String pointer = "/" + headline.replace("~", "~0").replace("/", "~1");
        JsonNode all = metrics.path("uncertainty").path("metrics");
        if (all.path(pointer).isObject()) return all.path(pointer);
        var names = all.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (name.startsWith(pointer + "/")) return all.path(name);
        }
        return all.path(pointer);
    }

    /** The same run under another label. */
    public ComparedRun labelled(String label) {
        return new ComparedRun(path, label, benchmark, model, passFail, headline, estimate, taskValues, attempts);
    }

    private static Map<String, List<Double>> wrap(Map<String, Double> values) {
        Map<String, List<Double>> wrapped = new LinkedHashMap<>();
        values.forEach((task, value) -> wrapped.put(task, List.of(value)));
        return wrapped;
    }

    private static Estimate fromJson(JsonNode node) {
        return new Estimate(number(node, "value"), number(node, "stderr"), number(node, "ci_low"), number(node, "ci_high"),
                number(node, "bootstrap_low"), number(node, "bootstrap_high"), node.path("tasks").asInt(), node.path("attempts").asInt());
    }

    private static double number(JsonNode node, String field) {
        return node.path(field).isNumber() ? node.path(field).asDouble() : Double.NaN;
    }

    private static JsonNode read(ObjectMapper json, Path file) {
        if (!Files.isRegularFile(file)) return json.createObjectNode();
        try {
            return json.readTree(file.toFile());
        } catch (IOException e) {
            throw new UserException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
