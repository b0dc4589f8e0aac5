package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The ArtifactsBench run that {@code grade artifactsbench --from RUN} judges again: its dataset and answers (as its
 * run.json records them) and, per task, the rendering its last row records (fields and screenshots), so a new judge
 * is shown the same screenshots without rendering the pages again. A run made with {@code --epochs} is judged again
 * attempt by attempt: each (task, epoch) with that epoch's answer and that epoch's screenshots.
 */
final class ArtifactsRejudging {
    /** The fields of a row that describe its rendering; carried over as they are. */
    private static final List<String> RENDER_FIELDS = List.of("page_type", "render_outcome", "render_error", "render_note",
            "screenshots", "blocked_requests", "dialogs", "navigations");

    private final Path run;
    private final JsonNode record;
    private final Map<String, JsonNode> rows;

    private ArtifactsRejudging(Path run, JsonNode record, Map<String, JsonNode> rows) {
        this.run = run;
        this.record = record;
        this.rows = rows;
    }

    static ArtifactsRejudging read(Path run) {
        Path json = run.resolve("run.json");
        if (!Files.isRegularFile(json)) throw new UserException("--from " + run + ": not a run directory (no run.json)");
        JsonNode record;
        try {
            record = new ObjectMapper().readTree(json.toFile());
        } catch (IOException e) {
            throw new UserException("--from: cannot read " + json + ": " + e.getMessage());
        }
        if (!"artifactsbench".equals(record.path("benchmark").asText())) {
            throw new UserException("--from " + run + ": a run of " + record.path("benchmark").asText("an unknown benchmark") + ", not of artifactsbench");
        }
        // by "epoch/task": with epochs, each attempt has its own rendering (its own folder of screenshots)
        Map<String, JsonNode> last = new java.util.LinkedHashMap<>();
        ArtifactsGrading.latestByTask(RunDirectory.readResults(run)).forEach(r -> last.put(key(r.path("task_id").asText(), r.path("epoch").asInt(1)), r));
        return new ArtifactsRejudging(run, record, last);
    }

    private static String key(String taskId, int epoch) { return epoch + "/" + taskId; }

    /** The epochs the run has (1 for a run without epochs). */
    int epochs() {
        return rows.values().stream().mapToInt(r -> r.path("epoch").asInt(1)).max().orElse(1);
    }

    /**
     * The answers of attempt {@code epoch}: for epoch 1 {@link #answers()}; for a later one the answers-epoch-N.jsonl
     * that generation wrote beside it (empty when there is none: a run of an answers file has one set of answers).
     */
    Optional<Path> answers(int epoch) {
        if (epoch <= 1) return Optional.of(answers());
        Path later = answers().resolveSibling("answers-epoch-" + epoch + ".jsonl");
        return Files.isRegularFile(later) ? Optional.of(later) : Optional.empty();
    }

    Path run() { return run; }

    /** The dataset the run used. */
    Path dataset() {
        JsonNode path = record.path("dataset").path("path");
        if (!path.isTextual()) throw new UserException("--from " + run + ": its run.json names no dataset; give --dataset");
        return Path.of(path.asText());
    }

    /** The answers the run graded: its answers.jsonl (a run) or the file it was given (a grade). */
    Path answers() {
        JsonNode path = RunRecord.setting(record, "answers");
        Path answers = path.isTextual() ? Path.of(path.asText()) : run.resolve("answers.jsonl");
        if (!Files.isRegularFile(answers)) throw new UserException("--from " + run + ": its answers file " + answers + " is missing");
        return answers;
    }

    /** A rendering recorded by the run, copied into {@code runDir}: its fields and the copies of its screenshots. */
    record Rendered(ObjectNode fields, List<Path> screenshots) { }

    /**
     * The rendering of the task's attempt {@code epoch} as the run recorded it, its screenshots copied into {@code runDir} under the same names;
     * empty when the run has no rendering of the task or a screenshot file is gone (the page is then rendered again).
     */
    Optional<Rendered> rendered(String taskId, int epoch, Path runDir) {
        JsonNode row = rows.get(key(taskId, epoch));
        if (row == null || !row.has("render_outcome")) return Optional.empty();
        ObjectNode fields = RunDirectory.object();
        RENDER_FIELDS.forEach(name -> {
            if (row.has(name)) fields.set(name, row.get(name).deepCopy());
        });
        fields.put("rendered_by", run.toAbsolutePath().toString());
        List<Path> screenshots = new ArrayList<>();
        for (JsonNode shot : row.path("screenshots")) {
            Path from = run.resolve(shot.asText()).normalize();
            // a row names files of its own run only; anything else is not reused
            if (!from.startsWith(run.normalize()) || !Files.isRegularFile(from)) return Optional.empty();
            Path to = runDir.resolve(shot.asText()).normalize();
            try {
                Files.createDirectories(to.getParent());
                Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot copy the screenshot " + from + " into " + to, e);
            }
            screenshots.add(to);
        }
        return Optional.of(new Rendered(fields, screenshots));
    }
}
