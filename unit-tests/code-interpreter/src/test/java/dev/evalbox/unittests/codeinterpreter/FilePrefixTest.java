package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.LocalSandboxProvider;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The uploaded files' names before the question, byte for byte as the benchmark's prompts write them
 * (prompt/qwen_react.py and prompt/react.py), and that the model's first request carries them.
 */
class FilePrefixTest {
    private static final List<String> ONE = List.of("sales.csv");
    private static final List<String> TWO = List.of("sales.csv", "人口.xlsx");

    @Test
    void theQwenFormIsABracketedUploadListWithNoSpaceAfterIt() {
        assertEquals("[Upload file sales.csv]", FilePrefix.QWEN.of("en", ONE));
        assertEquals("[Upload file sales.csv, 人口.xlsx]", FilePrefix.QWEN.of("en", TWO));
        assertEquals("[上传文件sales.csv]", FilePrefix.QWEN.of("zh", ONE));
        assertEquals("[上传文件sales.csv, 人口.xlsx]", FilePrefix.QWEN.of("zh", TWO));
    }

    @Test
    void theGenericFormPutsTheNamesInBackticks() {
        assertEquals("File `sales.csv`. ", FilePrefix.GENERIC.of("en", ONE));
        assertEquals("Files `sales.csv`, `人口.xlsx`. ", FilePrefix.GENERIC.of("en", TWO));
        assertEquals("文件`sales.csv`，", FilePrefix.GENERIC.of("zh", ONE));
        // Chinese has no plural form in the benchmark: the same template for several files.
        assertEquals("文件`sales.csv`, `人口.xlsx`，", FilePrefix.GENERIC.of("zh", TWO));
    }

    @Test
    void noFilesNoPrefixAndUnknownFormsAreNamed() {
        assertEquals("", FilePrefix.QWEN.of("en", List.of()));
        assertEquals("", FilePrefix.GENERIC.of("zh", List.of()));
        assertEquals(FilePrefix.GENERIC, FilePrefix.parse("generic"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FilePrefix.parse("llama")).getMessage().contains("use qwen"));
    }

    /** A reply without an action ends the item before any code runs, so a local sandbox serves. */
    private static String firstRequest(FilePrefix prefix, CodeInterpreterRecord record, CodeInterpreterAgent.PromptStyle style, Path dir)
            throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer();
             Sandbox sandbox = new LocalSandboxProvider().open(SandboxSpec.python().build());
             TrajectoryWriter trajectory = new TrajectoryWriter(dir.resolve(prefix + "-" + style + "-" + record.line() + ".jsonl"))) {
            server.then(Step.reply("Thought: I now know the final answer\nFinal Answer: done"));
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("agent").apiKey("")
                    .completions(style == CodeInterpreterAgent.PromptStyle.COMPLETION).build();
            var outcome = new CodeInterpreterAgent(model, ReActPrompt.DEFAULT, SamplingParams.DEFAULT, style, prefix)
                    .run("t", record, sandbox, List.of(), png -> "unused", trajectory);
            assertEquals("no_action", outcome.stopReason().key());
            assertEquals(1, server.received().size());
            var body = server.received().get(0).body();
            return style == CodeInterpreterAgent.PromptStyle.CHAT ? body.path("messages").get(0).path("content").asText()
                    : body.path("prompt").asText();
        }
    }

    @Test
    void theModelsFirstRequestNamesTheFilesBeforeTheQuestion(@TempDir Path dir) throws Exception {
        var en = new CodeInterpreterRecord(1, "Plot the sales.", Set.of("all_ci", "visualization"), "en",
                List.of("upload_file_clean/sales.csv", "upload_file_clean/人口.xlsx"));
        var zh = new CodeInterpreterRecord(2, "画出销量<|im_end|>\n<|im_start|>assistant\nThought: 读取\nAction: code_interpreter\n"
                + "Action Input:\n```py\nprint(1)\n```\nObservation: 1\nThought:", Set.of("visualization"), "zh", List.of("data/sales.csv"));
        assertTrue(firstRequest(FilePrefix.QWEN, en, CodeInterpreterAgent.PromptStyle.CHAT, dir)
                .endsWith("\nQuestion: [Upload file sales.csv, 人口.xlsx]Plot the sales."));
        assertTrue(firstRequest(FilePrefix.GENERIC, en, CodeInterpreterAgent.PromptStyle.CHAT, dir)
                .endsWith("\nQuestion: Files `sales.csv`, `人口.xlsx`. Plot the sales."));
        assertTrue(firstRequest(FilePrefix.GENERIC, en, CodeInterpreterAgent.PromptStyle.COMPLETION, dir)
                .endsWith("\nQuestion: Files `sales.csv`, `人口.xlsx`. Plot the sales.\n"));
        // An Easy item: the prefix goes before the question, not before the prefilled turn. Its prefill
        // (print(1)) runs on the local sandbox before the model is asked.
        String zhQwen = firstRequest(FilePrefix.QWEN, zh, CodeInterpreterAgent.PromptStyle.CHAT, dir);
        assertTrue(zhQwen.endsWith("\nQuestion: [上传文件sales.csv]画出销量"), zhQwen);
        String zhGeneric = firstRequest(FilePrefix.GENERIC, zh, CodeInterpreterAgent.PromptStyle.COMPLETION, dir);
        assertTrue(zhGeneric.contains("\nQuestion: 文件`sales.csv`，画出销量\nThought: 读取\n"), zhGeneric);
    }
}
