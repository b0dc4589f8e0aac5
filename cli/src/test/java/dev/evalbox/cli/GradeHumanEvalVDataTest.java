package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A --data file that is not HumanEval-V is one clear line before any sandbox starts. */
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
}
