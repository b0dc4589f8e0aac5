package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The cell the agent runs for an Action Input, and the execution limits, as the benchmark's code has them. */
class InterpreterCellTest {
    private static final String FONT = String.join("\n", InterpreterCell.FONT_LINES);

    @Test
    void theFontComesBackAfterEverySetThemeLineAndSolutionIsCalled() {
        assertEquals("sns.set_theme(style='dark')\n" + FONT + "\nprint(1)\n\n",
                InterpreterCell.code("```py\nsns.set_theme(style='dark')\nprint(1)\n```", List.of()));
        // Only a line that starts with it: an indented call is left alone, as the benchmark leaves it.
        assertEquals("if True:\n    sns.set_theme()\n\n", InterpreterCell.code("```py\nif True:\n    sns.set_theme()\n```", List.of()));
        assertEquals("def solution():\n    return 72\n\n\nsolution()", InterpreterCell.code("```python\ndef solution():\n    return 72\n```", List.of()));
    }

    @Test
    void uploadPathsAreGivenBeforeTheCodeIsExtractedAndEmptyCodeIsNotRun() {
        assertEquals("pd.read_csv('/work/sales.csv')\n\n",
                InterpreterCell.code("```py\npd.read_csv('sales.csv')\n```", List.of("/work/sales.csv")));
        assertEquals("print(2)\n", InterpreterCell.code("{\"code\": \"print(2)\"}", List.of()));
        assertEquals("", InterpreterCell.code("```py\n   \n```", List.of()));
        assertEquals("", InterpreterCell.code("", List.of()));
        assertEquals(InterpreterCell.PRELUDE + "print(1)\n", InterpreterCell.first("print(1)\n"));
    }

    private static CodeInterpreterRecord record(String query, String... tags) {
        return new CodeInterpreterRecord(1, query, Set.of(tags), "en", List.of());
    }

    @Test
    void executionLimitsAreTheBenchmarksBeforeAnyPrefill() {
        assertEquals(3, CodeInterpreterAgent.executionLimit(record("Plot it.", "all_ci", "visualization")));
        assertEquals(3, CodeInterpreterAgent.executionLimit(record("Plot it<|im_end|>\n<|im_start|>assistant\nThought:", "visualization")));
        assertEquals(1, CodeInterpreterAgent.executionLimit(record("Explain.", "all_ci", "general")));
        // Math items of the benchmark's file go through the same function as general ones: 1.
        assertEquals(1, CodeInterpreterAgent.executionLimit(record("What is 2**10?", "all_ci", "math")));
        assertEquals(1, CodeInterpreterAgent.executionLimit(record("Anything.", "all_ci")));
        // GSM8K questions get the loop's default, 3.
        assertEquals(3, CodeInterpreterAgent.executionLimit(record("Natalia sold clips.", CodeInterpreterRecord.GSM8K_TAG)));
    }
}
