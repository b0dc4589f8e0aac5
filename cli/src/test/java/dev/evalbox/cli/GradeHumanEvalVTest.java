package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.sandbox.DockerRequired;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `grade humaneval-v` on a dataset export written here: the ground truth, and a six-sample predictions file. */
@Tag("docker")
class GradeHumanEvalVTest {
    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    private static Path dataset(Path dir) throws Exception {
        Files.createDirectories(dir.resolve("img"));
        Files.write(dir.resolve("img/q.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Path data = dir.resolve("humaneval_v.jsonl");
        Files.writeString(data, String.join("\n",
                "{\"qid\": \"q1\", \"diagram\": \"img/q.png\", \"function_signature\": \"def solution(n: int) -> int:\\n    \\\"\\\"\\\"Squares n.\\\"\\\"\\\"\\n\","
                        + " \"test_script\": \"assert solution(3) == 9\\n\", \"ground_truth_solution\": \"def solution(n):\\n    return n * n\"}",
                "{\"qid\": \"q2\", \"diagram\": \"img/q.png\", \"function_signature\": \"def solution(n: int) -> int:\\n\","
                        + " \"test_script\": \"assert solution(2) == 3\\n\", \"ground_truth_solution\": \"def solution(n):\\n    return n\"}"));
        return data;
    }

    /** Grades the ground truth of {@code data} (q1 right, q2 wrong) into dir/ref and checks what is printed and written. */
    private static void assertGroundTruthGraded(Path data, Path dir) throws Exception {
        CommandRunner.Result result = CommandRunner.run("grade", "humaneval-v", "--data", data.toString(), "--reference",
                "--backend", "docker", "--out", dir.resolve("ref").toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("pass@1: 50.0   PSR: 100.0%   (2 tasks, 2 samples)"), result.out());
        assertTrue(result.out().contains("ground-truth solutions that fail: [q2]"), result.out());
        assertEquals(2, Files.readAllLines(dir.resolve("ref/results.jsonl")).size());
    }

    @Test
    void theGroundTruthIsGradedAndAFailingTaskIsListed(@TempDir Path dir) throws Exception {
        assertGroundTruthGraded(dataset(dir), dir);
    }

    /** The same two tasks as the Hugging Face v2 parquet file (HF column types), written by DuckDB. */
    static Path parquetDataset(Path dir) throws Exception {
        Path file = dir.resolve("test-00000-of-00001.parquet");
        String aspects = "{'Common Sense': []::VARCHAR[], 'Data Structures': ['List'], 'Dynamic Patterns': []::VARCHAR[],"
                + " 'Geometric Objects': []::VARCHAR[], 'Mathematical Operations': ['Multiplication'],"
                + " 'Spatial Transformations': []::VARCHAR[], 'Topological Relations': []::VARCHAR[]}";
        String png = "{'bytes': '\\x89PNG\\x0D\\x0A\\x1A\\x0A'::BLOB, 'path': NULL::VARCHAR}";
        try (java.sql.Connection db = java.sql.DriverManager.getConnection("jdbc:duckdb:"); java.sql.Statement sql = db.createStatement()) {
            sql.execute("COPY (SELECT * FROM (VALUES"
                    + " ('q1', 'def solution(n):\n    return n * n', 'a square', 'assert solution(3) == 9\n',"
                    + "  'def solution(n: int) -> int:\n    \"\"\"Squares n.\"\"\"\n', " + png + ", " + aspects + ", 'Calculation'),"
                    + " ('q2', 'def solution(n):\n    return n', 'a line', 'assert solution(2) == 3\n', 'def solution(n: int) -> int:\n',"
                    + "  " + png + ", " + aspects + ", 'Calculation'))"
                    + " AS t(qid, ground_truth_solution, ground_truth_diagram_description, test_script, function_signature, diagram,"
                    + " capability_aspects, task_type)) TO '" + file + "' (FORMAT PARQUET)");
        }
        return file;
    }

    @Test
    void theGroundTruthOfAParquetFileIsGradedLikeItsExport(@TempDir Path dir) throws Exception {
        assertGroundTruthGraded(parquetDataset(dir), dir);
        assertTrue(Files.isRegularFile(dir.resolve("ref/images/q1.png")), "the diagrams are written into the run directory");
        assertEquals("v2", new ObjectMapper().readTree(dir.resolve("ref/run.json").toFile()).path("config").path("version").asText());
    }

    @Test
    void sixSamplesGivePassAtThree(@TempDir Path dir) throws Exception {
        Path data = dataset(dir);
        String good = "```python\\ndef solution(n):\\n    return n * n\\n```";
        String bad = "```python\\ndef solution(n):\\n    return n\\n```";
        Path predictions = dir.resolve("pred.json");
        Files.writeString(predictions, "[{\"qid\": \"q1\", \"predictions\": [\"" + good + "\", \"" + bad + "\", \"" + bad + "\", \"" + bad + "\", \""
                + bad + "\", \"" + bad + "\"]}, {\"qid\": \"q2\", \"predictions\": [\"" + bad + "\", \"" + bad + "\", \"" + bad + "\", \"" + bad
                + "\", \"" + bad + "\", \"" + bad + "\"]}]");
        CommandRunner.Result result = CommandRunner.run("grade", "humaneval-v", "--data", data.toString(), "--predictions", predictions.toString(),
                "--backend", "docker", "--concurrency", "2", "--out", dir.resolve("run").toString());
        assertEquals(0, result.exitCode(), result.err());
        // q1: 1 - C(5,3)/C(6,3) = 0.5; q2: 0 -> 25.0
        assertTrue(result.out().contains("pass@3: 25.0"), result.out());
        var metrics = new ObjectMapper().readTree(dir.resolve("run/run.json").toFile()).path("metrics");
        assertEquals(25.0, metrics.path("pass@3").asDouble());
        assertEquals(25.0, new ObjectMapper().readTree(dir.resolve("run/metrics.json").toFile()).path("pass@3").asDouble());
        List<String> lines = Files.readAllLines(dir.resolve("run/results.jsonl"));
        assertEquals(12, lines.size(), "one line per sample");
        List<String> q1Samples = lines.stream()
                .map(l -> { try { return new ObjectMapper().readTree(l); } catch (Exception e) { throw new IllegalStateException(e); } })
                .filter(n -> n.path("task_id").asText().equals("q1"))
                .map(n -> n.path("sample").asInt() + ":" + n.path("passed").asBoolean()).sorted().toList();
        assertEquals(List.of("0:true", "1:false", "2:false", "3:false", "4:false", "5:false"), q1Samples);
        String report = Files.readString(dir.resolve("run/report.html"));
        assertTrue(report.contains("8.3% passed <span>(1 of 12 samples)"), "the report counts samples, as results.jsonl has them");
        assertTrue(report.contains("pass@3: 25.0"), "the report shows the run's metrics");
        assertTrue(report.contains("id=\"task-q1-sample-5\""), "each sample is listed");
    }
}
