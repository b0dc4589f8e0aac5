package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge over a real loopback server: retries until a score parses, images attached, the checklist rendering. */
class ArtifactsJudgeTest {
    private static final ArtifactsTask TASK = new ArtifactsTask("7", "Make a bouncing ball.", List.of(
            new ArtifactsTask.ChecklistItem(0, "Does the ball bounce?", "It's animated \"smoothly\"", 10),
            new ArtifactsTask.ChecklistItem(1, "Colours", "line\nbreak", 5)), "Game Development-Physics", "easy");

    @Test
    void theChecklistRendersAsPythonWould() {
        assertEquals("[{'id': 0, 'title': 'Does the ball bounce?', 'description': 'It\\'s animated \"smoothly\"', 'maxScore': 10}, "
                + "{'id': 1, 'title': 'Colours', 'description': 'line\\nbreak', 'maxScore': 5}]", ArtifactsJudge.checklist(TASK));
        assertEquals("\"it's\"", ArtifactsJudge.pythonString("it's"));
    }

    @Test
    void retriesUntilAScoreParsesAndGivesUpAfterFour(@TempDir Path dir) throws Exception {
        Path shot = dir.resolve("s.png");
        Files.write(shot, new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("judge").apiKey("")
                    .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).maxAttempts(1).build();
            ArtifactsJudge judge = new ArtifactsJudge(model, ArtifactsJudge.DEFAULT_PROMPT, 100_000);
            server.then(Step.reply("Looks fine, maybe 80."), Step.status(500, java.util.Map.of()), Step.reply("Total: {\"Overall Score\": \"78\"}"));
            ArtifactsJudge.Verdict scored = judge.judge(TASK, "<html>ball</html>", List.of(shot, shot));
            assertEquals(Optional.of(new JudgeScore("78", 78)), scored.score());
            assertEquals(3, scored.attempts());
            var content = server.received().get(0).body().path("messages").get(0).path("content");
            assertTrue(content.get(0).path("text").asText().contains("[Task]\nMake a bouncing ball.") && content.get(0).path("text").asText()
                    .contains("'maxScore': 10"), content.toString());
            assertEquals(3, content.size(), "the prompt and two screenshots");

            server.then(Step.reply("no"), Step.reply("still no"), Step.reply("nope"), Step.reply("{\"score\": 5}"));
            ArtifactsJudge.Verdict none = judge.judge(TASK, "x", List.of());
            assertEquals(Optional.empty(), none.score());
            assertEquals(4, none.attempts());
            assertEquals("no score in the judge's replies", none.error());
        }
    }
}
