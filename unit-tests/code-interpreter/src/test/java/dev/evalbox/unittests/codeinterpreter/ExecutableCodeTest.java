package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** How the executable-rate program is assembled from a trace, as the benchmark assembles it. */
class ExecutableCodeTest {
    private static final String TRACE = "Thought: a\nAction: code_interpreter\nAction Input:\n```py\nx = 1\n```\nObservation: ok\n"
            + "Thought: b\nAction: code_interpreter\nAction Input: `print(x)`\nObservation: 1\nThought: done\nFinal Answer: 1";

    @Test
    void mathTakesEveryActionInputOthersOnlyTheFirst() {
        assertEquals("# concat\nx = 1\n\n# concat\nprint(x)\n", ExecutableCode.actionInputCode(TRACE, false));
        assertEquals("# concat\nx = 1\n\n", ExecutableCode.actionInputCode(TRACE, true));
        assertEquals("", ExecutableCode.actionInputCode("Thought: I know.\nFinal Answer: 2", false), "missing code");
    }

    @Test
    void theProgramHasThePreludeThePrefillUploadPathsAndTheCalls() {
        CodeInterpreterRecord easy = new CodeInterpreterRecord(3, "Plot it<|im_end|>\n<|im_start|>assistant\nThought: load\n"
                + "Action: code_interpreter\nAction Input:\n```py\nimport pandas as pd\ndf = pd.read_csv('sales.csv')\n```\nObservation: ok\nThought:",
                Set.of("visualization"), "en", List.of("upload_file_clean/sales.csv"));
        String program = ExecutableCode.program(easy, "# concat\ndef solution():\n    df.plot()\n    plt.show()\n",
                List.of("/work/upload_file/sales.csv"));
        assertTrue(program.startsWith(ExecutableCode.PRELUDE));
        String body = program.substring(ExecutableCode.PRELUDE.length());
        assertEquals("# concat\nimport pandas as pd\ndf = pd.read_csv('/work/upload_file/sales.csv')\n\n"
                + "# concat\ndef solution():\n    df.plot()\n    plt.show()\n"
                + "\nsolution()\n\nplt.pause(1)\nplt.close('all')\n", body);
    }
}
