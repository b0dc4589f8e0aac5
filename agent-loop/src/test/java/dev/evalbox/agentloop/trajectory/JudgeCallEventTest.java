package dev.evalbox.agentloop.trajectory;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A judge_call event survives its JSON line: what replay and reports read back is what was written. */
class JudgeCallEventTest {
    @Test
    void aJudgeCallReadsBackAsWritten() {
        TrajectoryEvent.JudgeCall call = new TrajectoryEvent.JudgeCall("7", Instant.parse("2026-01-02T03:04:05Z"), "judge-vl", 2,
                "Score this page.", List.of("artifacts/7/page_1.png", "artifacts/7/page_2.png"), "", "HTTP 500 after 3 attempts", 1234);
        var json = call.toJson();
        assertEquals("judge_call", json.path("type").asText());
        assertEquals(2, json.path("images").size());
        assertEquals(call, TrajectoryEvent.fromJson(json));
    }
}
