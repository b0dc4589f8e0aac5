package dev.evalbox.unittests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's header names the benchmark, the model and the date for runs whose run.json says
 * less than that (the commands' own run directories are checked in ReportHeaderTest). It lives in the cli module,
 * where every benchmark is on the class path, since the header names a benchmark by its title.
 */
class RunHeaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEADER = Pattern.compile("<h1 id=\"run-header\"><span class=\"benchmark\">([^<]*)</span> · "
            + "<span class=\"model\">([^<]*)</span> · (?:<time class=\"date\" datetime=\"([^\"]*)\">([^<]*)</time>|<span class=\"date\">([^<]*)</span>)</h1>");

    /** The header of a report as its three parts: benchmark, model, shown date. */
    static String[] header(String html) {
        Matcher m = HEADER.matcher(html);
        assertTrue(m.find(), "the report has a header with benchmark, model and date:\n" + html.substring(0, Math.min(html.length(), 2000)));
        return new String[] {m.group(1), m.group(2), m.group(4) != null ? m.group(4) : m.group(5)};
    }

    private static Path run(Path dir, String runJson) throws Exception {
        Files.createDirectories(dir);
        if (runJson != null) Files.writeString(dir.resolve("run.json"), runJson);
        Files.writeString(dir.resolve("results.jsonl"), "{\"task_id\":\"1\",\"passed\":true}\n");
        return dir;
    }

    private static String report(Path run) throws Exception {
        return Files.readString(new RunReport(run).write());
    }

    @Test
    void runJsonNamesAllThree(@TempDir Path dir) throws Exception {
        Path run = run(dir, "{\"kind\":\"run\",\"benchmark\":\"pybench\",\"model\":\"qwen <2.5>\",\"started\":\"2026-03-04T05:06:07.891Z\"}");
        String html = report(run);
        String[] header = header(html);
        assertEquals("PyBench", header[0]);
        assertEquals("qwen &lt;2.5&gt;", header[1], "the model's name is text, escaped");
        assertEquals("2026-03-04 05:06 UTC", header[2]);
        assertTrue(html.contains("<title>PyBench · qwen &lt;2.5&gt; · 2026-03-04 05:06 UTC · evalbox report</title>"), html);
    }

    @Test
    void aRunWithoutRunJsonIsNamedByItsTrajectories(@TempDir Path dir) throws Exception {
        Path run = run(dir, null);
        Files.writeString(run.resolve("trajectories.jsonl"), "{\"type\":\"task_started\",\"task_id\":\"1\",\"time\":\"2026-01-02T03:04:05Z\","
                + "\"benchmark\":\"pybench\",\"model\":\"replay:sample\",\"opening\":[]}\n{\"type\":\"task_fin");
        assertEquals("PyBench|replay:sample|2026-01-02 03:04 UTC", String.join("|", header(report(run))));
    }

    @Test
    void aRegradeShowsTheModelOfTheRunItCameFromAndWhenItFinished(@TempDir Path dir) throws Exception {
        Path source = run(dir.resolve("source"), "{\"kind\":\"run\",\"benchmark\":\"code-interpreter\",\"model\":\"agent-7b\"}");
        Path regrade = run(dir.resolve("regrade"), JSON.createObjectNode().put("kind", "grade").put("benchmark", "code-interpreter")
                .put("source", source.toString()).put("finished", "2026-05-06T07:08:09Z").toString());
        assertEquals("Code Interpreter|agent-7b|2026-05-06 07:08 UTC", String.join("|", header(report(regrade))));
    }

    @Test
    void gradesOfFilesNameWhatWasGraded(@TempDir Path dir) throws Exception {
        JsonNode reference = JSON.createObjectNode().put("kind", "grade").put("benchmark", "humaneval-v").put("predictions", "reference");
        assertEquals("HumanEval-V", RunHeader.of(dir, reference).benchmarkName());
        assertEquals("reference solutions", RunHeader.of(dir, reference).model());
        JsonNode predictions = JSON.createObjectNode().put("kind", "grade").put("benchmark", "humaneval-v").put("predictions", "/x/preds_gpt.json");
        assertEquals("predictions preds_gpt.json", RunHeader.of(dir, predictions).model());
        JsonNode trajectory = JSON.createObjectNode().put("kind", "grade").put("benchmark", "pybench").put("trajectory", "/x/llama.jsonl");
        assertEquals("trajectory llama.jsonl", RunHeader.of(dir, trajectory).model());
    }

    @Test
    void withNoDateRecordedTheResultsFileTellsWhen(@TempDir Path dir) throws Exception {
        Path run = run(dir, "{\"kind\":\"grade\",\"benchmark\":\"humaneval-v\",\"predictions\":\"reference\"}");
        Files.setLastModifiedTime(run.resolve("results.jsonl"), FileTime.from(Instant.parse("2026-07-08T09:10:11Z")));
        assertEquals("HumanEval-V|reference solutions|2026-07-08 09:10 UTC", String.join("|", header(report(run))));
    }
}
