package dev.evalbox.unittests.humanevalv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HumanEvalVDatasetTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    @Test
    void readsBothReleasesAndNamesEachBadLine(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("images"));
        Files.write(dir.resolve("images/q1.png"), PNG);
        Path v2 = dir.resolve("v2.jsonl");
        Files.writeString(v2, String.join("\n",
                "{\"qid\": \"q1\", \"diagram\": \"images/q1.png\", \"function_signature\": \"def solution(x):\\n\", \"test_script\": \"assert True\","
                        + " \"ground_truth_solution\": \"def solution(x):\\n    return x\", \"ground_truth_diagram_description\": \"a grid\", \"task_type\": \"transform\"}",
                "{\"qid\": \"q1\", \"diagram\": \"images/q1.png\", \"function_signature\": \"s\", \"test_script\": \"t\"}",
                "{\"qid\": \"q2\", \"diagram\": \"images/missing.png\", \"function_signature\": \"s\", \"test_script\": \"t\"}",
                "{\"qid\": \"q3\", \"image\": \"images/q1.png\", \"function_signature\": \"s\", \"test_script\": \"t\"}",
                "{\"qid\": \"q4\", \"diagram\": \"images/q1.png\", \"test_script\": \"t\"}",
                "{\"question\": \"not humaneval\"}"));
        HumanEvalVDataset.Loaded loaded = HumanEvalVDataset.readJsonl(v2);
        assertEquals(HumanEvalVGrader.Version.V2, loaded.version());
        assertEquals(1, loaded.items().size());
        HumanEvalVItem q1 = loaded.items().get(0);
        assertEquals(dir.resolve("images/q1.png"), q1.image());
        assertEquals("a grid", q1.description());
        assertEquals("transform", q1.taskType());
        assertEquals(List.of("v2.jsonl line 2: task q1 appears twice",
                "v2.jsonl line 3: task q2: image images/missing.png not found next to the file",
                "v2.jsonl line 4: a V1 record in a V2 file",
                "v2.jsonl line 5: field \"function_signature\" missing or not a string",
                "v2.jsonl line 6: no \"image\" (v0.1) or \"diagram\" (v2) field: not a HumanEval-V record"), loaded.problems());

        Path v1 = dir.resolve("v1.jsonl");
        Files.writeString(v1, "{\"qid\": \"q9\", \"image\": \"images/q1.png\", \"function_signature\": \"s\", \"test_script\": \"t\","
                + " \"image_description\": \"dots\"}\n");
        HumanEvalVDataset.Loaded old = HumanEvalVDataset.readJsonl(v1);
        assertEquals(HumanEvalVGrader.Version.V1, old.version());
        assertEquals("dots", old.items().get(0).description());
    }
}
