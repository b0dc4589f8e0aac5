package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ReAct agent with a scripted model on loopback and real sandboxes; the metrics read its traces. */
@Tag("docker")
class CodeInterpreterAgentTest {
    private static DockerSandboxProvider docker;
    private static SandboxPool pool;

    @BeforeAll
    static void start() {
        DockerRequired.check();
        docker = new DockerSandboxProvider();
        pool = new SandboxPool(docker, 2, 4);
    }

    @AfterAll
    static void stop() {
        pool.close();
        docker.close();
    }

    private static String act(String thought, String code) {
        return "Thought: " + thought + "\nAction: code_interpreter\nAction Input:\n```py\n" + code + "\n```\n";
    }

    private record Run(CodeInterpreterAgent.Outcome outcome, Path dir) { }

    private static Run run(ScriptedChatServer server, CodeInterpreterRecord record, Path dir) throws IOException {
        return run(server, record, dir, CodeInterpreterAgent.PromptStyle.CHAT);
    }

    private static Run run(ScriptedChatServer server, CodeInterpreterRecord record, Path dir, CodeInterpreterAgent.PromptStyle style)
            throws IOException {
        Path csv = dir.resolve("sales.csv");
        Files.writeString(csv, "month,amount\n1,10\n2,30\n3,20\n");
        OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("agent").apiKey("")
                .completions(style == CodeInterpreterAgent.PromptStyle.COMPLETION).build();
        CodeInterpreterAgent agent = new CodeInterpreterAgent(model, ReActPrompt.DEFAULT, SamplingParams.DEFAULT, style, FilePrefix.QWEN);
        int[] figure = {0};
        Function<byte[], String> save = png -> {
            Path file = dir.resolve("fig-" + (++figure[0]) + ".png");
            try {
                Files.write(file, png);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return file.toString();
        };
        try (Sandbox sandbox = pool.acquire(SandboxSpec.python().build());
             TrajectoryWriter writer = new TrajectoryWriter(dir.resolve("trajectories.jsonl"))) {
            sandbox.upload(csv, "sales.csv");
            return new Run(agent.run("t" + record.line(), record, sandbox, List.of("/work/sales.csv"), save, writer), dir);
        }
    }

    @Test
    void aHardVisualizationItemRunsCodeShowsFiguresAndScores(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(act("load the data", "import pandas as pd\ndf = pd.read_csv('sales.csv')\nprint(df.shape)")),
                    Step.reply(act("plot it", "import matplotlib.pyplot as plt\ndf.plot(x='month', y='amount')\nplt.show()")),
                    Step.reply("Thought: I now know the final answer\nFinal Answer: the chart shows sales by month"));
            CodeInterpreterRecord record = new CodeInterpreterRecord(1, "Plot the sales by month.", Set.of("all_ci", "visualization"), "en",
                    List.of("upload_file_clean/sales.csv"));
            Run run = run(server, record, dir);
            CodeInterpreterAgent.Outcome outcome = run.outcome();
            assertEquals("no_action", outcome.stopReason().key());
            assertEquals(2, outcome.executions());
            assertEquals("the chart shows sales by month", outcome.finalAnswer());
            String trace = outcome.trace();
            assertTrue(trace.startsWith("Thought: load the data\nAction: code_interpreter\nAction Input:"), trace);
            assertTrue(trace.contains("\nObservation: stdout:\n\n```\n(3, 2)\n\n```\nThought: plot it"), trace);
            assertTrue(trace.contains("![fig-001](" + dir.resolve("fig-1.png") + ")"), trace);
            assertEquals(List.of("Observation:"), List.of(server.received().get(0).body().path("stop").get(0).asText()));
            assertEquals("Observation: stdout:\n\n```\n(3, 2)\n\n```",
                    server.received().get(1).body().path("messages").get(2).path("content").asText());

            assertTrue(VisualizationJudge.gate(trace, List.of(dir.resolve("fig-1.png").toString())), "the figure passes the image gate");
            ExecutableRate.Verdict executable = new ExecutableRate(pool, SandboxSpec.python().build(), dir, Duration.ofSeconds(60))
                    .check(record, trace);
            assertTrue(executable.executable(), "the first Action Input re-runs on its own: " + executable.errorInfo());
        }
    }

    @Test
    void generalItemsRunOnceAndErrorsEndTheLoop(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(act("count", "print(len(open('sales.csv').readlines()))")));
            CodeInterpreterRecord general = new CodeInterpreterRecord(2, "How many lines?", Set.of("general"), "en", List.of("sales.csv"));
            CodeInterpreterAgent.Outcome once = run(server, general, Files.createDirectories(dir.resolve("a"))).outcome();
            assertEquals("execution_limit", once.stopReason().key());
            assertEquals(1, once.executions());
            assertEquals(1, server.received().size(), "no model call after the last allowed execution");

            server.then(Step.reply(act("divide", "1/0")));
            CodeInterpreterRecord math = new CodeInterpreterRecord(3, "What is 1/0?", Set.of("math"), "en", List.of());
            CodeInterpreterAgent.Outcome failed = run(server, math, Files.createDirectories(dir.resolve("b"))).outcome();
            assertEquals("error_observation", failed.stopReason().key());
            assertTrue(failed.trace().contains("error:\n\n```\n") && failed.trace().contains("ZeroDivisionError"), failed.trace());
        }
    }

    @Test
    void aCompletionStyleRunSendsTheWholeTranscriptAsOnePrompt(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(act("count", "print(2 + 3)")), Step.reply(" I now know the final answer\nFinal Answer: 5"));
            CodeInterpreterRecord math = new CodeInterpreterRecord(5, "What is 2 + 3?", Set.of(CodeInterpreterRecord.GSM8K_TAG), "en", List.of());
            CodeInterpreterAgent.Outcome outcome = run(server, math, dir, CodeInterpreterAgent.PromptStyle.COMPLETION).outcome();
            assertEquals("5", outcome.finalAnswer());
            var first = server.received().get(0).body();
            assertTrue(first.path("prompt").asText().endsWith("Question: What is 2 + 3?\n"), first.toString());
            assertTrue(first.path("messages").isMissingNode(), "the completions endpoint gets a prompt, not messages");
            String second = server.received().get(1).body().path("prompt").asText();
            assertTrue(second.endsWith("\nObservation: stdout:\n\n```\n5\n\n```\nThought:"), second);
            assertTrue(outcome.trace().contains("```\nThought: I now know the final answer\nFinal Answer: 5"), outcome.trace());
        }
    }

    @Test
    void anEasyItemRunsItsPrefillAsOneExecutionAndStillGetsThreeMore(@TempDir Path dir) throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply(act("use the loaded frame", "print(int(df.amount.sum()))")),
                    Step.reply(act("again", "print(len(df))")), Step.reply(act("once more", "print(df.month.max())")));
            CodeInterpreterRecord easy = new CodeInterpreterRecord(4, "Sum the amounts<|im_end|>\n<|im_start|>assistant\nThought: load\n"
                    + "Action: code_interpreter\nAction Input:\n```py\ndf = pd.read_csv('sales.csv')\n```\n"
                    + "Observation: (loaded)\nThought:", Set.of("visualization"), "en", List.of("upload_file_clean/sales.csv"));
            CodeInterpreterAgent.Outcome outcome = run(server, easy, dir).outcome();
            // The benchmark: the prefill counts as execution 1 and raises the limit from 3 to 4, so the
            // model runs code three times and is not asked again after the third.
            assertEquals(4, outcome.executions());
            assertEquals("execution_limit", outcome.stopReason().key());
            assertEquals(3, server.received().size());
            String trace = outcome.trace();
            assertTrue(trace.startsWith(" use the loaded frame\nAction: code_interpreter"), "the trace continues the prefill's Thought: " + trace);
            assertTrue(trace.contains("stdout:\n\n```\n60\n\n```\nThought: again"), "the prefilled code defined df (pd from the prelude): " + trace);
            assertTrue(trace.endsWith("stdout:\n\n```\n3\n\n```\nThought:"), trace);
            var messages = server.received().get(0).body().path("messages");
            assertEquals(3, messages.size());
            assertEquals("assistant", messages.get(1).path("role").asText());
            assertTrue(messages.get(2).path("content").asText().startsWith("Observation: (loaded)"), messages.toString());
        }
    }
}
