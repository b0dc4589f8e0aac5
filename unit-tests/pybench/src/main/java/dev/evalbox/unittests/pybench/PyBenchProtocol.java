package dev.evalbox.unittests.pybench;

import dev.evalbox.agentloop.loop.AgentProtocol;
import dev.evalbox.agentloop.loop.CodeExtractor;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * PyBench's conversation protocol, as its published runs show it: three opening messages (system
 * prompt, the uploaded files, the query), the first ```python block of a reply as the code, the
 * cell's streams and text/plain results (display_data dropped) after a fixed prefix as the next user
 * message, errors as a fixed header with the exception's name and value (no traceback), a reply
 * without code as the end, and at most 10 turns. The system prompt is evalbox's own wording.
 */
public final class PyBenchProtocol {
    public static final String UPLOAD_PREFIX = "[INFO]The data is uploaded to ";
    public static final String OBSERVATION_PREFIX = "[INFO]This is a Code Interpreter Message:\n";
    public static final String ERROR_HEADER = "There are some errors in the code. All variables in this cell should be redefined. Please Debug:\n";
    public static final Pattern CODE_BLOCK = Pattern.compile("```python(.*?)```", Pattern.DOTALL);
    public static final int MAX_TURNS = 10;

    private PyBenchProtocol() { }

    /** evalbox's own system prompt with PyBench's structure (code markers, "Finished:" answers). */
    public static String defaultSystemPrompt() {
        try (InputStream in = PyBenchProtocol.class.getResourceAsStream("system_prompt.txt")) {
            if (in == null) throw new IllegalStateException("system_prompt.txt is missing from the evalbox-unit-tests jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<ChatMessage> opening(PyBenchTask task, String systemPrompt) {
        return List.of(ChatMessage.system(systemPrompt),
                ChatMessage.user(UPLOAD_PREFIX + String.join(",", task.filePaths())),
                ChatMessage.user(task.user()));
    }

    public static String observation(ExecutionResult result) {
        StringBuilder text = new StringBuilder(OBSERVATION_PREFIX);
        boolean errorShown = false;
        for (Output output : result.outputs()) {
            if (output instanceof Output.Stream s) {
                text.append(s.text());
            } else if (output instanceof Output.ExecuteResult r) {
                r.plainText().ifPresent(text::append);
            } else if (output instanceof Output.Error e) {
                appendError(text, e.ename(), e.evalue());
                errorShown = true;
            }
        }
        if (!errorShown && result.status() != ExecutionStatus.OK && result.status() != ExecutionStatus.ERROR) {
            // evalbox's own limits (time, memory, a dead interpreter) have no exception of their own to show.
            String name = switch (result.status()) {
                case TIMEOUT -> "TimeoutError";
                case OOM -> "MemoryError";
                default -> "InterpreterCrashed";
            };
            appendError(text, name, result.message());
        }
        return text.toString();
    }

    private static void appendError(StringBuilder text, String ename, String evalue) {
        text.append(ERROR_HEADER).append("Error: ").append(ename).append('\n').append(evalue).append('\n');
    }

    public static AgentProtocol protocol(Duration cellTimeout) {
        return new AgentProtocol(CodeExtractor.firstGroup(CODE_BLOCK), PyBenchProtocol::observation, "user", MAX_TURNS,
                cellTimeout, null, 0, SamplingParams.DEFAULT);
    }
}
