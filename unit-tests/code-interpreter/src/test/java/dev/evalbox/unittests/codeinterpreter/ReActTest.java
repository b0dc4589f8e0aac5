package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Output;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The ReAct parser, the code extraction order and the observation format of the Code Interpreter benchmark. */
class ReActTest {

    @Test
    void theLatestCallIsFoundByLastOccurrence() {
        String text = "Thought: first\nAction: code_interpreter\nAction Input: `1+1`\nObservation: 2\nThought: again\n"
                + "Action: code_interpreter\nAction Input:\n```py\nprint(3)\n```\nObservation:";
        ReActCall call = ReActParser.latestCall(text).orElseThrow();
        assertEquals("code_interpreter", call.action());
        assertEquals("```py\nprint(3)\n```", call.actionInput());
        assertTrue(call.textBeforeObservation().endsWith("```"));
    }

    @Test
    void aSwallowedObservationIsAddedBackAndNoActionMeansNoCall() {
        ReActCall call = ReActParser.latestCall("Thought: x\nAction: code_interpreter\nAction Input: print(1)   \n").orElseThrow();
        assertEquals("print(1)", call.actionInput());
        assertEquals(Optional.empty(), ReActParser.latestCall("Thought: I know.\nFinal Answer: 4"));
        assertEquals(Optional.empty(), ReActParser.latestCall("\nAction Input: x\nAction: y"), "Action must come before Action Input");
    }

    @Test
    void codeComesFromAFenceThenABacktickSpanThenJsonThenTheRawText() {
        assertEquals("a = 1\n", ActionInputCode.extract("```python\na = 1\n```\n`b`"));
        assertEquals("b = 2", ActionInputCode.extract("run `b = 2` please"));
        assertEquals("c = 3\nprint(c)", ActionInputCode.extract("{\"code\": \"c = 3\\nprint(c)\"}"));
        assertEquals("d = 4", ActionInputCode.extract("{code: 'd = 4',}"), "json5-style input");
        assertEquals("e = 5  ", ActionInputCode.extract("e = 5  "), "raw text, not stripped");
        assertEquals("pd.read_csv('/work/upload_file/sales.csv')",
                ActionInputCode.withUploadPaths("pd.read_csv('sales.csv')", List.of("/work/upload_file/sales.csv")));
        assertEquals("open('/work/upload_file/a.txt'); open('a.txt')",
                ActionInputCode.withUploadPaths("open('/work/upload_file/a.txt'); open('a.txt')", List.of("/work/upload_file/a.txt")),
                "left alone when the full path is already there");
    }

    @Test
    void observationsHaveTheBenchmarksShape() {
        byte[] png = Base64.getDecoder().decode("iVBORw0KGgo=");
        ExecutionResult result = new ExecutionResult(ExecutionStatus.ERROR, List.of(
                new Output.Stream("stdout", "hello\n"),
                new Output.DisplayData(Map.of("image/png", "iVBORw0KGgo=", "text/plain", "<Figure>"), Map.of(), Optional.empty(), false),
                new Output.ExecuteResult(1, Map.of("text/plain", "42"), Map.of()),
                new Output.Error("ValueError", "bad", List.of("\u001B[0;31mValueError\u001B[0m", "bad"))),
                1, Duration.ZERO, false, 0, "");
        List<byte[]> saved = new ArrayList<>();
        String text = Observation.format(result, bytes -> {
            saved.add(bytes);
            return "artifacts/fig-" + saved.size() + ".png";
        }, 1);
        assertEquals("stdout:\n\n```\nhello\n\n```\n\n![fig-001](artifacts/fig-1.png)\n\nexecute_result:\n\n```\n42\n```"
                + "\n\nerror:\n\n```\nValueError\nbad\n```", text);
        assertEquals(1, saved.size());
        ExecutionResult timedOut = new ExecutionResult(ExecutionStatus.TIMEOUT, List.of(new Output.Stream("stdout", "started\n"),
                new Output.Error("KeyboardInterrupt", "", List.of("KeyboardInterrupt"))), null, Duration.ofSeconds(31), false, 0, "");
        assertEquals("stdout:\n\n```\nstarted\n\n```\n\nerror:\n\n```\nTimeout. No response after 30 seconds.\n```",
                Observation.format(timedOut, bytes -> "x", 1, Duration.ofSeconds(30)));
        assertEquals(png.length, saved.get(0).length);
    }
}
