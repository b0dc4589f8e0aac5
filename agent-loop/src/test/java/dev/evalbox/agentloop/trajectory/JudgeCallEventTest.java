package dev.evalbox.agentloop.trajectory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.Usage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A judge call is recorded with the task's events and read back, and stays out of the task's conversation. */
class JudgeCallEventTest {

    @Test
    void aJudgeCallRoundTripsAndIsNotPartOfTheConversation(@TempDir Path dir) {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        var judged = new TrajectoryEvent.JudgeCall("t1", now, "judge", "Is it right?", List.of("artifacts/t1/fig-001.png"), "right",
                new Usage(12, 1), 34, 2, null);
        var failed = new TrajectoryEvent.JudgeCall("t1", now, "judge", "Is it right?", List.of(), "", Usage.NONE, 0, 0, "HTTP 500");
        assertEquals(judged, TrajectoryEvent.fromJson(judged.toJson()));
        assertEquals(failed, TrajectoryEvent.fromJson(failed.toJson()));
        assertEquals("judge_call", judged.toJson().path("type").asText());

        Path file = dir.resolve("trajectories.jsonl");
        try (TrajectoryWriter writer = new TrajectoryWriter(file)) {
            writer.write(new TrajectoryEvent.TaskStarted("t1", now, "b", "m", List.of(ChatMessage.user("q"))));
            writer.write(new TrajectoryEvent.ModelResponse("t1", now, 1, "a", Usage.NONE, 1, 1, "stop"));
            writer.write(new TrajectoryEvent.TaskFinished("t1", now, "no_action", 1, "", Usage.NONE));
            writer.write(judged);
        }
        Trajectories read = Trajectories.read(file);
        assertTrue(read.problems().isEmpty(), read.problems().toString());
        TaskTrajectory task = read.byTask().get("t1");
        assertEquals(List.of("a"), task.replies(), "replay answers with the model's replies only");
        assertEquals(2, task.messages().size(), "the judge call is no message of the conversation");
        assertEquals(judged, task.events().get(3));
    }
}
