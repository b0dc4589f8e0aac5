package dev.evalbox.unittests.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.unittests.eval.RunRecord;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/**
 * What a report's header says about its run: the benchmark, the model and the date. run.json says
 * it for most runs; where it is silent (a grade of someone's predictions names no model, a replay
 * no benchmark, some runs record only when they finished) the run directory's own records fill in:
 * the first task_started event of trajectories.jsonl, the run a re-grade came from, the file that
 * was graded, and at last the time results.jsonl was written.
 */
public record RunHeader(String benchmark, String model, Instant date) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    // Files only one benchmark's runs hold, for runs whose run.json and trajectories name none.
    private static final List<Map.Entry<String, String>> FILES = List.of(Map.entry("pybench_trajectory.jsonl", "pybench"),
            Map.entry("traces.jsonl", "code-interpreter"), Map.entry("predictions.jsonl", "humaneval-v"),
            Map.entry("answers.jsonl", "artifactsbench"));

    /** The header of the run in {@code runDir} whose run.json is {@code run} (an empty object when it has none). */
    public static RunHeader of(Path runDir, JsonNode run) {
        JsonNode started = firstTaskStarted(runDir.resolve("trajectories.jsonl"));
        String benchmark = text(run, "benchmark");
        if (benchmark == null) benchmark = text(started, "benchmark");
        for (int i = 0; benchmark == null && i < FILES.size(); i++) {
            if (Files.isRegularFile(runDir.resolve(FILES.get(i).getKey()))) benchmark = FILES.get(i).getValue();
        }
        String model = RunRecord.modelName(run);
        if (model == null) model = text(started, "model");
        if (model == null) model = gradedFrom(run);
        Instant date = instant(text(run, "started"));
        if (date == null) date = instant(text(run, "finished"));
        if (date == null) date = instant(text(started, "time"));
        if (date == null) date = modified(runDir.resolve("results.jsonl"));
        return new RunHeader(benchmark == null ? text(run, "kind") == null ? "run" : text(run, "kind") : benchmark,
                model == null ? "model not recorded" : model, date);
    }

    /** The benchmark as its authors write it (PyBench, HumanEval-V, ...), else as run.json has it. */
    public String benchmarkName() {
        return Benchmarks.named(benchmark).map(Benchmark::title).orElse(benchmark);
    }

    /** The date shown, in UTC to the minute ("date unknown" when nothing in the run directory says). */
    public String dateText() {
        return date == null ? "date unknown" : SHOWN.format(date);
    }

    /** One line: benchmark · model · date. */
    public String title() {
        return benchmarkName() + " · " + model + " · " + dateText();
    }

    /**
     * The page's start, shared by every benchmark's report: the document head with {@code style},
     * the header (benchmark, model, date) and a line of the run's settings named by {@code settings}.
     */
    public void appendPageStart(StringBuilder html, Path runDir, JsonNode run, String style, List<String> settings) {
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Html.escape(title()))
                .append(" · evalbox report</title>\n<style>").append(style).append("</style></head><body>\n");
        html.append("<h1 id=\"run-header\"><span class=\"benchmark\">").append(Html.escape(benchmarkName()))
                .append("</span> · <span class=\"model\">").append(Html.escape(model)).append("</span> · ");
        if (date == null) {
            html.append("<span class=\"date\">date unknown</span>");
        } else {
            html.append("<time class=\"date\" datetime=\"").append(date).append("\">").append(dateText()).append("</time>");
        }
        html.append("</h1>\n<p class=\"meta\">").append(Html.escape(runDir.toAbsolutePath().toString())).append("<br>");
        for (String key : settings) {
            JsonNode value = shown(run, key);
            if (value.isValueNode() && !value.isNull()) html.append(key).append(": <b>").append(Html.escape(value.asText())).append("</b> &nbsp; ");
        }
        html.append("</p>\n");
    }

    /** What a grade without a model graded: the run it re-scored (its model), the reference solutions, or the file. */
    private static String gradedFrom(JsonNode run) {
        String source = setting(run, "source");
        if (source != null) {
            Path sourceRun = Path.of(source).resolve("run.json");
            if (Files.isRegularFile(sourceRun)) {
                try {
                    String model = RunRecord.modelName(JSON.readTree(sourceRun.toFile()));
                    if (model != null) return model;
                } catch (IOException e) {
                    // the source run's run.json is unreadable: say what was graded instead, below
                }
            }
        }
        if ("reference".equals(setting(run, "predictions"))) return "reference solutions";
        for (String key : List.of("predictions", "answers", "trajectory", "source")) {
            String file = setting(run, key);
            if (file != null) return key + " " + Path.of(file).getFileName();
        }
        return null;
    }

    /** The first task_started event, read line by line so that a long trajectory file is not read whole. */
    private static JsonNode firstTaskStarted(Path trajectories) {
        if (!Files.isRegularFile(trajectories)) return null;
        try (BufferedReader reader = Files.newBufferedReader(trajectories, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.contains("\"task_started\"")) continue;
                try {
                    JsonNode event = JSON.readTree(line);
                    if ("task_started".equals(event.path("type").asText())) return event;
                } catch (IOException e) {
                    // a torn last line of a run that crashed: look further
                }
            }
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + trajectories, e);
        }
    }

    /**
     * A setting the header shows, in either layout of run.json: at the top before schema 1; since then
     * the backend and image under {@code sandbox}, the version under {@code evalbox}, the rest under {@code config}.
     */
    private static JsonNode shown(JsonNode run, String key) {
        if (run.path(key).isValueNode()) return run.path(key);
        if (key.equals("evalbox_version")) return run.path("evalbox").path("version");
        JsonNode inSandbox = run.path("sandbox").path(key);
        return inSandbox.isValueNode() ? inSandbox : RunRecord.setting(run, key);
    }

    /** A benchmark setting of run.json in either layout (under config since schema 1). */
    private static String setting(JsonNode run, String key) {
        JsonNode value = RunRecord.setting(run, key);
        return value.isValueNode() && !value.isNull() && !value.asText().isBlank() ? value.asText().strip() : null;
    }

    private static String text(JsonNode node, String key) {
        if (node == null || !node.hasNonNull(key)) return null;
        String value = node.get(key).asText().strip();
        return value.isEmpty() ? null : value;
    }

    private static Instant instant(String text) {
        if (text == null) return null;
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Instant modified(Path file) {
        try {
            return Files.isRegularFile(file) ? Files.getLastModifiedTime(file).toInstant() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
