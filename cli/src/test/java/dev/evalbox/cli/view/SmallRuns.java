package dev.evalbox.cli.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.Output;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Small hand-made runs for the viewer's page tests, where {@link GeneratedRun} (one benchmark, one
 * model, every row scored pass/fail with the same turns) cannot tell a sort or a filter apart: runs of
 * several benchmarks, models, statuses and sizes for the runs page; a run whose rows differ in status
 * (passed, failed, error, unscored, scored), score, turns, category and difficulty for the run page; and
 * a task whose cell raised, written with the agent loop's own event records, for the task page.
 */
final class SmallRuns {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One run of the runs page: its folder name and what its run.json and results.jsonl say. */
    record RunSpec(String path, String benchmark, String model, String status, String started, int done, int total, int passed) { }

    /** One line of the mixed run: what the test expects the run page to show of it. */
    record Row(String taskId, String status, Double score, int turns, String category, String difficulty, String reason) { }

    static final List<RunSpec> FOUR_RUNS = List.of(
            new RunSpec("pybench-alpha", "pybench", "model-a", "finished", "2026-12-01T09:00:00Z", 6, 6, 4),
            new RunSpec("pybench-beta", "pybench", "model-b", "running", "2026-12-02T11:30:00Z", 2, 6, 1),
            new RunSpec("ci-alpha", "code-interpreter", "model-a", "interrupted", "2026-11-30T08:15:00Z", 3, 8, 3),
            new RunSpec("ci-beta", "code-interpreter", "model-b", "failed", "2026-12-03T07:45:00Z", 5, 9, 0));

    static final String[] CATEGORIES = {"plotting", "statistics", "file io"};
    static final String[] DIFFICULTIES = {"easy", "medium", "hard"};

    private SmallRuns() { }

    /** Writes each spec as runs/PATH: run.json (metrics only for a finished run) and {@code done} result lines. */
    static void writeRuns(Path runs, List<RunSpec> specs) throws IOException {
        for (RunSpec spec : specs) {
            Path dir = runs.resolve(spec.path());
            Files.createDirectories(dir);
            ObjectNode run = JSON.createObjectNode().put("schema_version", 1).put("kind", "run").put("benchmark", spec.benchmark())
                    .put("status", spec.status()).put("started", spec.started());
            run.putObject("dataset").put("tasks", spec.total());
            run.putObject("model").put("name", spec.model());
            if (spec.status().equals("finished")) run.putObject("metrics").put("pass_rate", 100.0 * spec.passed() / spec.done());
            Files.writeString(dir.resolve("run.json"), JSON.writeValueAsString(run));
            StringBuilder lines = new StringBuilder();
            for (int t = 0; t < spec.done(); t++) {
                boolean passed = t < spec.passed();
                lines.append(JSON.writeValueAsString(JSON.createObjectNode().put("task_id", spec.path() + "-" + t).put("epoch", 1).put("sample", 0)
                        .put("passed", passed).put("reason", passed ? "" : "wrong"))).append('\n');
            }
            Files.writeString(dir.resolve("results.jsonl"), lines);
        }
    }

    /**
     * A finished run of {@code n} lines cycling through passed, failed, error (the model call failed),
     * unscored (no verdict) and scored (a score, no verdict), with distinct scores, turns that repeat, and
     * three categories and difficulties that do not line up with the statuses.
     */
    static List<Row> writeMixedRun(Path dir, int n) throws IOException {
        Files.createDirectories(dir);
        List<Row> rows = new ArrayList<>();
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String status = List.of("passed", "failed", "error", "unscored", "scored").get(i % 5);
            Double score = status.equals("scored") ? (i * 37 % 97) + 0.5 : null;
            int turns = i * 7 % 6;
            String category = CATEGORIES[i % 3];
            String difficulty = DIFFICULTIES[i / 2 % 3];
            String reason = switch (status) {
                case "failed" -> "AssertionError: column total of m" + i + " is wrong";
                case "error" -> "the model call failed: HTTP 503";
                case "unscored" -> "not graded (no tests.py given)";
                default -> "";
            };
            Row row = new Row("m" + i, status, score, turns, category, difficulty, reason);
            rows.add(row);
            ObjectNode line = JSON.createObjectNode().put("task_id", row.taskId()).put("epoch", 1).put("sample", 0);
            switch (status) {
                case "passed" -> line.put("passed", true);
                case "failed" -> line.put("passed", false);
                case "error" -> line.put("passed", false).put("stop_reason", "model_error");
                case "scored" -> line.put("score", score);
                default -> { }
            }
            line.put("reason", reason).put("category", category).put("difficulty", difficulty).put("turns", turns)
                    .put("final_answer", "answer of " + row.taskId());
            lines.append(JSON.writeValueAsString(line)).append('\n');
        }
        Files.writeString(dir.resolve("results.jsonl"), lines);
        ObjectNode run = JSON.createObjectNode().put("schema_version", 1).put("kind", "run").put("benchmark", "pybench")
                .put("status", "finished").put("started", "2026-12-02T10:00:00Z");
        run.putObject("dataset").put("tasks", n);
        run.putObject("model").put("name", "mixed-model");
        run.putObject("metrics").put("pass_rate", 100.0 * rows.stream().filter(r -> r.status().equals("passed")).count() / n);
        Files.writeString(dir.resolve("run.json"), JSON.writeValueAsString(run));
        return rows;
    }

    /** What the task whose cell raised holds, for the test to look for on its page. */
    record RaisedTask(String taskId, String traceback, String pylint, long cellMs, long modelMs, long taskMs) { }

    /**
     * A HumanEval-V-style run of one failed task: its cell raised ZeroDivisionError (the traceback as the
     * sandbox's driver records it, with the ANSI colours IPython puts in), and its row's reason is the
     * pylint gate's text as grade_harness.py writes it ("Pylint syntax check failed:" and pylint's messages).
     */
    static RaisedTask writeRaisedTask(Path dir) throws IOException {
        Files.createDirectories(dir);
        String id = "q-raise";
        Instant t0 = Instant.parse("2026-12-03T09:00:00Z");
        List<String> traceback = List.of("\u001b[0;31m---------------------------------------------------------------------------\u001b[0m",
                "\u001b[0;31mZeroDivisionError\u001b[0m                         Traceback (most recent call last)",
                "Cell \u001b[0;32mIn[1], line 2\u001b[0m\n      1 total = 0\n\u001b[0;32m----> 2\u001b[0m mean \u001b[38;5;241m=\u001b[39m total \u001b[38;5;241m/\u001b[39m \u001b[38;5;241m0\u001b[39m",
                "\u001b[0;31mZeroDivisionError\u001b[0m: division by zero");
        String pylint = "Pylint syntax check failed:\nUndefined variable 'soltuion' (undefined-variable)\nparsing failed: 'invalid syntax (<unknown>, line 4)'";
        List<TrajectoryEvent> events = List.of(
                new TrajectoryEvent.TaskStarted(id, t0, "humaneval-v", "raiser", List.of(ChatMessage.user("Write solution(grid)."))),
                new TrajectoryEvent.ModelRequest(id, t0, 1, 1),
                new TrajectoryEvent.ModelResponse(id, t0.plusMillis(1234), 1, "```python\ntotal = 0\nmean = total / 0\n```", new Usage(310, 42), 1234, 1, "stop"),
                new TrajectoryEvent.CodeExecution(id, t0.plusMillis(1321), 1, "total = 0\nmean = total / 0", "error",
                        List.of(new Output.Stream("stdout", "about to divide\n"), new Output.Error("ZeroDivisionError", "division by zero", traceback)),
                        87, false, null),
                new TrajectoryEvent.Observation(id, t0.plusMillis(1321), 1, "user", "ZeroDivisionError: division by zero"),
                new TrajectoryEvent.TaskFinished(id, t0.plusMillis(2500), "no_code", 1, "def soltuion(grid): return 0", new Usage(310, 42)));
        StringBuilder lines = new StringBuilder();
        for (TrajectoryEvent event : events) lines.append(JSON.writeValueAsString(event.toJson())).append('\n');
        Files.writeString(dir.resolve("trajectories.jsonl"), lines);
        ObjectNode row = JSON.createObjectNode().put("task_id", id).put("epoch", 1).put("sample", 0).put("passed", false).put("reason", pylint)
                .put("pylint_failed", true).put("completion", "def soltuion(grid): return 0").put("duration_ms", 2611);
        Files.writeString(dir.resolve("results.jsonl"), JSON.writeValueAsString(row) + "\n");
        Files.writeString(dir.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"humaneval-v\",\"status\":\"finished\","
                + "\"started\":\"2026-12-03T09:00:00Z\",\"dataset\":{\"tasks\":1},\"model\":{\"name\":\"raiser\"}}");
        return new RaisedTask(id, "ZeroDivisionError: division by zero", pylint, 87, 1234, 2611);
    }

    /** Appends {@code text} to DIR/FILE as a run being written does. */
    static void append(Path dir, String file, String text) throws IOException {
        Files.writeString(dir.resolve(file), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
