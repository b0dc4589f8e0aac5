package dev.evalbox.agentloop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.loop.AgentHooks;
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
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.LocalSandboxProvider;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    @Test
    void severalGenerationsAreOneLoopWithTheirOwnRequestsAndSamplingAndGoOnAfterAFailedCall(@TempDir Path dir) throws Exception {
        AgentOutcome outcome;
        try (TrajectoryWriter writer = new TrajectoryWriter(dir.resolve("t.jsonl"));
             ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(ScriptedChatServer.Step.reply("first"), ScriptedChatServer.Step.status(400, Map.of()), ScriptedChatServer.Step.reply("third"));
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("m").apiKey("").build();
            List<String> replies = new ArrayList<>();
            List<String> errors = new ArrayList<>();
            AgentHooks hooks = new AgentHooks() {
                private int call;

                @Override
                public List<ChatMessage> request(List<ChatMessage> conversation) { return List.of(ChatMessage.user("call " + call)); }

                @Override
                public SamplingParams sampling(SamplingParams protocol) { return protocol.withTemperature(call / 10.0); }

                @Override
                public Action read(String reply) {
                    replies.add(reply);
                    return ++call < 3 ? new Action.Next() : new Action.Stop(StopReason.ANSWERED);
                }

                @Override
                public Optional<StopReason> afterModelError(String error) {
                    errors.add(error);
                    replies.add("");
                    return ++call < 3 ? Optional.empty() : Optional.of(StopReason.MODEL_ERROR);
                }

                @Override
                public String observe(ExecutionResult result, int turn) { throw new AssertionError("no code runs"); }

                @Override
                public String finalAnswer(List<ChatMessage> conversation) { return String.join("|", replies); }
            };
            outcome = AgentLoop.generations(3, SamplingParams.DEFAULT).run("g1", "test", List.of(ChatMessage.user("task")), model, null, writer, hooks);
            List<ScriptedChatServer.Received> received = server.received();
            assertEquals(3, received.size(), "a call per generation, the failed one not retried (400)");
            for (int i = 0; i < 3; i++) {
                assertEquals("call " + i, received.get(i).body().path("messages").get(0).path("content").asText(), "the hooks' own request");
                assertEquals(i / 10.0, received.get(i).body().path("temperature").asDouble(), 1e-9, "the hooks' own sampling");
            }
            assertEquals(1, errors.size());
        }
        assertEquals(StopReason.ANSWERED, outcome.stopReason());
        assertEquals("first||third", outcome.finalAnswer());
        String events = readString(dir.resolve("t.jsonl"));
        assertEquals(3, events.split("\"type\":\"model_request\"", -1).length - 1, events);
        assertTrue(events.contains("\"type\":\"error\",\"task_id\":\"g1\""), events);
        assertEquals("answered", Trajectories.read(dir.resolve("t.jsonl")).byTask().get("g1").finished().orElseThrow().stopReason());
    }

    private static String readString(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
