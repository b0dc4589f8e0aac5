package dev.evalbox.unittests.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Run directories written by hand: run.json naming the benchmark and model, and results.jsonl rows. */
final class SyntheticRuns {
    private SyntheticRuns() { }

    /** A pass/fail run: task id to verdict, one epoch. */
    static Path passFail(Path dir, String benchmark, String model, Map<String, Boolean> verdicts) throws IOException {
        StringBuilder rows = new StringBuilder();
        verdicts.forEach((task, passed) -> rows.append("{\"task_id\":\"").append(task).append("\",\"epoch\":1,\"sample\":0,\"passed\":")
                .append(passed).append(",\"reason\":\"\"}\n"));
        return write(dir, benchmark, model, rows.toString());
    }

    /** A scored run: task id to score (null: unscored). */
    static Path scored(Path dir, String benchmark, String model, Map<String, Double> scores) throws IOException {
        StringBuilder rows = new StringBuilder();
        scores.forEach((task, score) -> rows.append("{\"task_id\":\"").append(task).append("\",\"epoch\":1,\"sample\":0,\"score\":")
                .append(score).append(",\"reason\":\"\"}\n"));
        return write(dir, benchmark, model, rows.toString());
    }

    static Path write(Path dir, String benchmark, String model, String rows) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("run.json"), "{\"schema_version\":1,\"kind\":\"run\",\"benchmark\":\"" + benchmark
                + "\",\"model\":{\"name\":\"" + model + "\"}}");
        Files.writeString(dir.resolve("results.jsonl"), rows);
        return dir;
    }
}
