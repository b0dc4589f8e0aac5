package dev.evalbox.agentloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.loop.AgentLoop;
import dev.evalbox.agentloop.loop.AgentOutcome;
import dev.evalbox.agentloop.loop.AgentProtocol;
import dev.evalbox.agentloop.loop.CodeExtractor;
import dev.evalbox.agentloop.loop.StopReason;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.agentloop.model.ReplayChatModel;
import dev.evalbox.agentloop.model.SamplingParams;
import dev.evalbox.agentloop.trajectory.TaskTrajectory;
import dev.evalbox.agentloop.trajectory.Trajectories;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.LocalSandboxProvider;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loop's stop conditions and its trajectory, with a real (local) sandbox and real offline and HTTP models. */
class AgentLoopTest {
    private static Sandbox sandbox;
    private static final List<ChatMessage> OPENING = List.of(ChatMessage.system("sys"), ChatMessage.user("task"));

    @BeforeAll
    static void start() { sandbox = new LocalSandboxProvider().open(SandboxSpec.python().build()); }

    @AfterAll
    static void stop() { sandbox.close(); }

    private static AgentProtocol protocol(int maxTurns) {
        return new AgentProtocol(CodeExtractor.firstGroup(Pattern.compile("```python\\n(.*?)```", Pattern.DOTALL)),
                r -> "out:" + r.stdout() + r.error().map(e -> "err:" + e.ename()).orElse(""), "user", maxTurns,
                Duration.ofSeconds(10), null, 0, SamplingParams.DEFAULT);
    }

    private static String code(String python) { return "```python\n" + python + "\n```"; }

    @Test
    void runsCodeShowsResultsAndStopsOnAReplyWithoutCode(@TempDir Path dir) {
        ReplayChatModel model = new ReplayChatModel("replay", List.of(code("x = 6 * 7\nprint(x)"), code("print(x + 1)\nundefined"), "done: 42"));
        AgentOutcome outcome;
        try (TrajectoryWriter writer = new TrajectoryWriter(dir.resolve("t.jsonl"))) {
            outcome = new AgentLoop(protocol(10)).run("t1", "test", OPENING, model, sandbox, writer);
        }
        assertEquals(StopReason.NO_CODE, outcome.stopReason());
        assertEquals(3, outcome.turns());
        assertEquals("done: 42", outcome.finalAnswer());
        assertEquals("out:42\n", outcome.messages().get(3).content());
        assertEquals("out:43\nerr:NameError", outcome.messages().get(5).content());

        TaskTrajectory recorded = Trajectories.read(dir.resolve("t.jsonl")).byTask().get("t1");
        assertEquals(outcome.messages(), recorded.messages(), "the conversation is rebuilt from the trajectory alone");
        assertEquals(2, recorded.executions().size());
        assertEquals("error", recorded.executions().get(1).status());
        assertEquals("no_code", recorded.finished().orElseThrow().stopReason());
    }

    @Test
    void stopsAtTheTurnLimitAndOnModelErrors(@TempDir Path dir) {
        try (TrajectoryWriter writer = new TrajectoryWriter(dir.resolve("t.jsonl"))) {
            AgentOutcome limited = new AgentLoop(protocol(2)).run("t2", "test", OPENING,
                    new ReplayChatModel("r", List.of(code("1"), code("2"), code("3"))), sandbox, writer);
            assertEquals(StopReason.MAX_TURNS, limited.stopReason());
            assertEquals(2, limited.turns());
            assertEquals("user", limited.messages().get(limited.messages().size() - 1).role(), "the last observation is the final answer");

            AgentOutcome failed = new AgentLoop(protocol(10)).run("t3", "test", OPENING,
                    new ReplayChatModel("r", List.of(code("1"))), sandbox, writer);
            assertEquals(StopReason.MODEL_ERROR, failed.stopReason());
            assertTrue(failed.error().contains("only 1 assistant turn"), failed.error());
        }
        String events = readString(dir.resolve("t.jsonl"));
        assertTrue(events.contains("\"type\":\"error\",\"task_id\":\"t3\"") && events.contains("model_no_more_turns"), events);
    }

    @Test
    void stopsWhenTheWallClockOrTokenBudgetIsSpent(@TempDir Path dir) throws Exception {
        try (TrajectoryWriter writer = new TrajectoryWriter(dir.resolve("t.jsonl"));
             ScriptedChatServer server = new ScriptedChatServer()) {
            AgentOutcome slow = new AgentLoop(protocol(10).withBudgets(Duration.ofMillis(300), 0)).run("t4", "test", OPENING,
                    new ReplayChatModel("r", List.of(code("import time; time.sleep(0.5)"), code("2"))), sandbox, writer);
            assertEquals(StopReason.WALL_CLOCK, slow.stopReason());
            assertEquals(1, slow.turns());

            server.otherwise(ScriptedChatServer.Step.reply(code("1"))); // 18 tokens per call
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("m").apiKey("").build();
            AgentOutcome costly = new AgentLoop(protocol(10).withBudgets(null, 30)).run("t5", "test", OPENING, model, sandbox, writer);
            assertEquals(StopReason.TOKEN_BUDGET, costly.stopReason());
            assertEquals(2, costly.turns());
            assertEquals(36, costly.usage().total());
        }
        TrajectoryEvent.TaskFinished finished = Trajectories.read(dir.resolve("t.jsonl")).byTask().get("t5").finished().orElseThrow();
        assertEquals("token_budget", finished.stopReason());
        assertEquals(36, finished.usage().total());
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
