package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A --data or --predictions file that cannot be graded is one clear line before any sandbox starts. */
class GradeHumanEvalVDataTest {
    @Test
    void aFileNamedParquetThatIsNotIsRefusedWithItsName(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("humaneval_v.parquet");
        Files.writeString(fake, "qid,diagram\n");
        CommandRunner.Result result = CommandRunner.run("grade", "humaneval-v", "--data", fake.toString(), "--reference",
                "--out", dir.resolve("run").toString());
        assertEquals(1, result.exitCode(), result.err());
        assertEquals("evalbox: " + fake + " is not a parquet file (no PAR1 magic bytes at its start and end): pass the Hugging Face"
                + " parquet file or a JSON Lines export", result.err().strip());
    }

    @Test
    void aVersionTwoFileWhereALaterTaskHasFewerSamplesIsRefusedAsTheReferenceRefusesIt(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("q.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Path data = dir.resolve("humaneval_v.jsonl");
        Files.writeString(data, "{\"qid\": \"q1\", \"diagram\": \"q.png\", \"function_signature\": \"def solution():\\n\", \"test_script\": \"\"}\n"
                + "{\"qid\": \"q2\", \"diagram\": \"q.png\", \"function_signature\": \"def solution():\\n\", \"test_script\": \"\"}\n");
        Path predictions = dir.resolve("pred.json");
        Files.writeString(predictions, "[{\"qid\": \"q1\", \"prompt\": \"p\", \"predictions\": [\"a\", \"b\"]},"
                + " {\"qid\": \"q2\", \"prompt\": \"p\", \"predictions\": [\"c\", \"d\"]},"
                + " {\"qid\": \"q1\", \"prompt\": \"p\", \"predictions\": [\"e\"]}]");
        CommandRunner.Result result = CommandRunner.run("grade", "humaneval-v", "--data", data.toString(), "--predictions", predictions.toString(),
                "--out", dir.resolve("run").toString());
        assertEquals(1, result.exitCode(), result.err());
        assertEquals("evalbox: task q2 has 2 prediction(s) in all its entries, fewer than the 3 of q1 before it: HumanEval-V's v2 evaluate.py"
                + " refuses such a file (every task must have the same number of samples, and a later one never fewer); complete the task's"
                + " predictions or drop the extra ones", result.err().strip());
    }
}
