package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records written here in the benchmark's formats: the good ones load, each bad line is named with its fault. */
class CodeInterpreterDataTest {

    @Test
    void readsRecordsOfEveryKindAndNamesEachBadLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("eval_code_interpreter_v1.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"query\": \"Plot the sales per month.\", \"tags\": \"all_ci,visualization\", \"input_file_path\": [\"upload_file_clean/sales.csv\"]}",
                "{\"query\": \"画出销量的柱状图<|im_end|>\\n<|im_start|>assistant\\nThought: read it\\nAction: code_interpreter\\nAction Input:\\n```py\\nimport pandas as pd\\n```\\nObservation: ok\\nThought:\", \"tags\": \"all_ci,visualization\", \"lang\": \"zh\"}",
                "{\"query\": \"What is 2**10?\", \"tags\": \"all_ci,math\"}",
                "{\"query\": \"Summarise the file.\", \"tags\": \"all_ci,general\", \"input_file_path\": \"upload_file_clean/notes.txt\"}",
                "{\"query\": \"x\", \"tags\": \"math,poetry\"}",
                "{\"tags\": \"math\"}",
                "{\"query\": \"x\", \"tags\": \"math\", \"lang\": \"fr\"}",
                "not json",
                "",
                "[1]"));
        CodeInterpreterData.Loaded<CodeInterpreterRecord> loaded = CodeInterpreterData.readRecords(file);
        assertEquals(List.of(CodeInterpreterRecord.Kind.VISUALIZATION_HARD, CodeInterpreterRecord.Kind.VISUALIZATION_EASY,
                CodeInterpreterRecord.Kind.MATH, CodeInterpreterRecord.Kind.GENERAL), loaded.items().stream().map(CodeInterpreterRecord::kind).toList());
        CodeInterpreterRecord easy = loaded.items().get(1);
        assertEquals("zh", easy.lang());
        assertEquals("画出销量的柱状图", easy.question());
        assertEquals("import pandas as pd\n", ActionInputCode.extract(ReActParser.latestCall(easy.prefill()).orElseThrow().actionInput()));
        assertEquals(List.of("sales.csv"), loaded.items().get(0).inputBasenames());
        assertEquals(List.of("upload_file_clean/notes.txt"), loaded.items().get(3).inputFiles());
        assertEquals(Set.of("all_ci", "math"), loaded.items().get(2).tags());
        assertEquals(List.of(
                "eval_code_interpreter_v1.jsonl line 5: unknown tag \"poetry\" (expected some of " + CodeInterpreterData.TAGS + ")",
                "eval_code_interpreter_v1.jsonl line 6: field \"query\" missing or not a string",
                "eval_code_interpreter_v1.jsonl line 7: field \"lang\" must be en or zh, not \"fr\"",
                "eval_code_interpreter_v1.jsonl line 8: not valid JSON",
                "eval_code_interpreter_v1.jsonl line 10: expected a JSON object"), loaded.problems());
    }

    @Test
    void readsGsm8kItemsWithTheirGold(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gsm8k_test.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"question\": \"Natalia sold 48 clips in April and half as many in May. How many in all?\", \"answer\": \"48/2 = 24\\n48+24 = 72\\n#### 72\"}",
                "{\"question\": \"q\", \"answer\": \"no gold here\"}",
                "{\"answer\": \"#### 1\"}"));
        CodeInterpreterData.Loaded<CodeInterpreterData.Gsm8kRecord> loaded = CodeInterpreterData.readGsm8k(file);
        assertEquals(1, loaded.items().size());
        assertEquals(true, Gsm8kAnswers.isCorrect("The total is 72 clips", loaded.items().get(0).answer()));
        assertEquals(List.of("gsm8k_test.jsonl line 2: field \"answer\" has no gold number after \"#### \"",
                "gsm8k_test.jsonl line 3: field \"question\" missing or not a string"), loaded.problems());
    }
}
