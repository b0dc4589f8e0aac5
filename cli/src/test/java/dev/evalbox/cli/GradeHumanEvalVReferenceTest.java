package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.humanevalv.HumanEvalVGrader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `grade humaneval-v` on predictions made in batches and concatenated (a task in several entries, in any order):
 * v2 grades them as the same predictions in one entry per task, and both releases give the per-sample results,
 * pass@k and parse-success rate that the reference's procedure gives on the same file (humaneval_v_reference.py,
 * run by the host's python3 with pylint).
 */
@Tag("docker")
class GradeHumanEvalVReferenceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PYTHON = "/usr/bin/python3";

    /** q1 squares, q2 adds one; six answers each: passing, wrong, stopped by pylint, raising, timing out. */
    private static final List<String> Q1 = List.of(
            "```python\ndef solution(n):\n    return n * n\n```",
            "```python\ndef solution(n):\n    return n\n```",
            "```python\ndef solution(n)\n    return n * n\n```",                                 // syntax error: the gate
            "```python\ndef solution(n):\n    raise ValueError('Pylint cannot tell: ' + str(n))\n```", // v2 counts it by its text
            "```python\ndef solution(n):\n    return undefined_name * n\n```",                    // undefined variable: the gate
            "Square it:\n```python\ndef solution(n):\n    return n ** 2\n```");
    private static final List<String> Q2 = List.of(
            "```python\ndef solution(n):\n    return n + 1\n```",
            "```python\ndef solution(n):\n    return int(input()) + n\n```",                      // stdin raises an OSError with no text
            "```python\ndef solution(n):\n    raise RuntimeError('pylint is not the judge')\n```", // lower case: not counted
            "```python\ndef solution(n):\n    while True:\n        pass\n```",
            "```python\ndef solution(n):\n    return n - 1\n```",
            "```python\ndef solution(n):\n    return 1 + n\n```");

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    private static Path dataset(Path dir, String imageField) throws IOException {
        Files.createDirectories(dir.resolve("img"));
        Files.write(dir.resolve("img/q.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        StringBuilder lines = new StringBuilder();
        for (String[] task : tasks()) {
            lines.append(JSON.createObjectNode().put("qid", task[0]).put(imageField, "img/q.png").put("function_signature", task[1])
                    .put("test_script", task[2]).put("ground_truth_solution", "")).append('\n');
        }
        Path data = dir.resolve("humaneval_v.jsonl");
        Files.writeString(data, lines);
        return data;
    }

    private static List<String[]> tasks() {
        return List.of(new String[] {"q1", "def solution(n: int) -> int:\n    \"\"\"Squares n.\"\"\"\n", "assert solution(3) == 9\n"},
                new String[] {"q2", "def solution(n: int) -> int:\n", "assert solution(2) == 3\n"});
    }

    /** A predictions file of the given entries: each is a qid and the indices of its task's answers. */
    private static Path predictions(Path dir, String name, Object... qidsAndRanges) throws IOException {
        ArrayNode list = JSON.createArrayNode();
        for (int i = 0; i < qidsAndRanges.length; i += 3) {
            String qid = (String) qidsAndRanges[i];
            List<String> answers = qid.equals("q1") ? Q1 : Q2;
            ObjectNode entry = list.addObject().put("qid", qid).put("prompt", "the V2C prompt for " + qid);
            answers.subList((int) qidsAndRanges[i + 1], (int) qidsAndRanges[i + 2]).forEach(entry.putArray("predictions")::add);
        }
        Path file = dir.resolve(name);
        Files.write(file, JSON.writeValueAsBytes(list));
        return file;
    }

    /** evalbox's grading of a file: the metrics and every sample's (passed, result text) by "qid/sample". */
    private record Graded(JsonNode metrics, Map<String, String> samples) { }

    private static Graded grade(Path data, Path predictions, Path out) throws IOException {
        CommandRunner.Result result = CommandRunner.run("grade", "humaneval-v", "--data", data.toString(), "--predictions", predictions.toString(),
                "--backend", "docker", "--concurrency", "2", "--out", out.toString());
        assertEquals(0, result.exitCode(), result.err());
        Map<String, String> samples = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("results.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            samples.put(n.path("task_id").asText() + "/" + n.path("sample").asInt(),
                    n.path("passed").asBoolean() ? "passed" : n.path("reason").asText());
        }
        return new Graded(JSON.readTree(out.resolve("metrics.json").toFile()), samples);
    }

    @Test
    void aSplitShuffledVersionTwoFileIsGradedAsOneEntryPerTask(@TempDir Path dir) throws Exception {
        Path data = dataset(dir, "diagram");
        Graded whole = grade(data, predictions(dir, "whole.json", "q1", 0, 6, "q2", 0, 6), dir.resolve("whole"));
        Graded split = grade(data, predictions(dir, "split.json", "q2", 0, 2, "q1", 0, 3, "q2", 2, 6, "q1", 3, 5, "q1", 5, 6), dir.resolve("split"));
        assertEquals(whole.samples(), split.samples(), "the same verdict for every sample");
        assertEquals(12, split.samples().size());
        assertEquals("Pylint cannot tell: 3", split.samples().get("q1/3"));
        assertEquals("", split.samples().get("q2/1"), "reading stdin raises an OSError without a message, as in the reference");
        assertEquals("Test Case Execution Time Out (> 2 seconds)", split.samples().get("q2/3"));
        // Merged, every task has six samples (graded entry by entry, as v0.1 does, the last entry's one sample would
        // make k 1 and the PSR's denominator 1 x 5). Each task passes 2 of 6: 1 - C(4,3)/C(6,3) = 0.8. Three results start with "Pylint" (two gate failures and
        // a raised ValueError): 1 - 3/12; counting the gate alone would give 83.3.
        for (Graded g : List.of(whole, split)) {
            assertEquals(80.0, g.metrics().path("pass@3").asDouble());
            assertEquals(75.0, g.metrics().path("psr").asDouble());
            assertEquals(3, g.metrics().path("parse_failures").asInt());
        }
    }

    @Test
    void bothReleasesGiveTheReferenceProceduresResultsOnASplitFile(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(hostPylint(), "skipping: " + PYTHON + " with pylint is not on this machine (scripts/setup.sh host-python)");
        Path v2 = predictions(dir, "split-v2.json", "q2", 0, 2, "q1", 0, 3, "q2", 2, 6, "q1", 3, 5, "q1", 5, 6);
        assertMatchesReference("v2", grade(dataset(dir.resolve("v2"), "diagram"), v2, dir.resolve("run-v2")), reference(dir, "v2", v2));
        // v0.1 does not merge: q1 is graded in three entries, k comes from the last one (1 sample) and the PSR divides by 1 x 4 entries.
        Path v1 = predictions(dir, "split-v1.json", "q1", 0, 3, "q2", 0, 6, "q1", 3, 5, "q1", 5, 6);
        Graded ours = grade(dataset(dir.resolve("v1"), "image"), v1, dir.resolve("run-v1"));
        assertMatchesReference("v1", ours, reference(dir, "v1", v1));
        assertEquals(50.0, ours.metrics().path("psr").asDouble(), "two gate failures over 1 x 4: 1 - 2/4");
        assertEquals("failed: ", ours.samples().get("q2/1"));
        assertEquals("timed out", ours.samples().get("q2/3"));
    }

    private static void assertMatchesReference(String version, Graded ours, JsonNode theirs) {
        Map<String, String> expected = new TreeMap<>();
        Map<String, Integer> numbered = new HashMap<>(); // a task's samples number on across its entries, as evalbox numbers them
        for (JsonNode item : theirs.path("items")) {
            for (JsonNode r : item.path("results")) {
                int sample = numbered.merge(item.path("qid").asText(), 1, Integer::sum) - 1;
                expected.put(item.path("qid").asText() + "/" + sample, r.path("result").asText());
            }
        }
        assertEquals(expected, ours.samples(), version + ": every sample's result text");
        JsonNode scores = theirs.path("scores");
        String k = "pass@" + ours.metrics().path("k").asInt();
        assertTrue(scores.has(k), version + ": the reference reports " + scores + ", evalbox " + k);
        assertEquals(scores.path(k).asDouble(), ours.metrics().path(k).asDouble(), version + " " + k);
        assertEquals(theirs.path("parse_success_rate").asDouble(), ours.metrics().path("psr").asDouble(), version + ": PSR");
    }

    private static boolean hostPylint() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) return false;
        Process check = new ProcessBuilder(PYTHON, "-c", "import pylint").redirectErrorStream(true).start();
        check.getInputStream().readAllBytes();
        return check.waitFor(60, TimeUnit.SECONDS) && check.exitValue() == 0;
    }

    /** The reference procedure's report on a predictions file. */
    private static JsonNode reference(Path dir, String version, Path predictions) throws Exception {
        Path work = Files.createDirectories(dir.resolve("reference-" + version));
        Files.write(work.resolve("grade_harness.py"), resource(HumanEvalVGrader.class, "grade_harness.py"));
        Files.write(work.resolve("humaneval_v_anchor.py"), resource(GradeHumanEvalVReferenceTest.class, "/dev/evalbox/unittests/humanevalv/bench/humaneval_v_anchor.py"));
        Files.write(work.resolve("humaneval_v_reference.py"), resource(GradeHumanEvalVReferenceTest.class, "humaneval_v_reference.py"));
        ArrayNode tasks = JSON.createArrayNode();
        for (String[] task : tasks()) tasks.addObject().put("qid", task[0]).put("signature", task[1]).put("test", task[2]);
        Files.write(work.resolve("tasks.json"), JSON.writeValueAsBytes(tasks));
        Process process = new ProcessBuilder(PYTHON, "humaneval_v_reference.py", version, "tasks.json", predictions.toString())
                .directory(work.toFile()).redirectError(work.resolve("stderr.txt").toFile()).start();
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), "the reference procedure failed: " + Files.readString(work.resolve("stderr.txt")));
        return JSON.readTree(out);
    }

    private static byte[] resource(Class<?> owner, String name) throws IOException {
        try (InputStream in = owner.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is not on the test classpath");
            return in.readAllBytes();
        }
    }
}
