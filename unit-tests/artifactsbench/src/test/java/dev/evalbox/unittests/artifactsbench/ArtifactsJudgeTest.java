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

/**
 * The judge over a real loopback server: retries until a score parses, images attached, the checklist rendering,
 * and the reference's cut of the reply after its last {@code </think>}.
 */
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

    private static OpenAiChatModel model(ScriptedChatServer server) {
        return OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("judge").apiKey("")
                .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).maxAttempts(1).build();
    }

    @Test
    void aReasoningJudgesDraftScoreInsideItsThinkingDoesNotCount() throws Exception {
        // the final part gives its score under the Chinese key, so over the whole reply the English draft would win
        String reply = "<think>First look: {\"Overall Score\": \"90\"}. But the ball never moves.</think>\n\n"
                + "The ball is drawn but static.\n```json\n{\"总体打分\": \"35\"}\n```\nReason: no animation.  \n";
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            ArtifactsJudge judge = new ArtifactsJudge(model(server), ArtifactsJudge.DEFAULT_PROMPT, 100_000);
            server.then(Step.reply(reply));
            ArtifactsJudge.Verdict verdict = judge.judge(TASK, "<html>ball</html>", List.of());
            assertEquals(Optional.of(new JudgeScore("35", 35)), verdict.score(), "the final score, not the draft in the thinking");
            assertEquals("The ball is drawn but static.\n```json\n{\"总体打分\": \"35\"}\n```\nReason: no animation.", verdict.reason(),
                    "the reason is the text after the last </think>, stripped");
            assertEquals(reply, verdict.reply(), "the whole reply is kept");
            assertEquals(1, verdict.attempts());
        }
    }

    @Test
    void aReplyWhoseOnlyScoreIsInsideItsThinkingIsUnscoredAndAskedAgain() throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            ArtifactsJudge judge = new ArtifactsJudge(model(server), ArtifactsJudge.DEFAULT_PROMPT, 100_000);
            // the first reply ends with its thinking: nothing after </think>, so no score; the second has no </think> at all,
            // and the reference then keeps (and reads) the whole reply
            server.then(Step.reply("<think>{\"Overall Score\": \"88\"}</think>  \n"),
                    Step.reply("\u00a0{\"Overall Score\": 61} <think> unclosed {\"Overall Score\": 62}\u2003"));
            ArtifactsJudge.Verdict verdict = judge.judge(TASK, "x", List.of());
            assertEquals(Optional.of(new JudgeScore("62", 62)), verdict.score(), "no </think>: the whole reply is read, its last match wins");
            assertEquals(2, verdict.attempts());
            assertEquals("{\"Overall Score\": 61} <think> unclosed {\"Overall Score\": 62}", verdict.reason(),
                    "stripped as Python strips: no-break and em spaces too");

            server.then(Step.reply("<think>{\"Overall Score\": \"88\"}</think>"), Step.reply("<think>a</think><think>{\"Overall Score\": 70}</think>ok"),
                    Step.reply("</think>"), Step.reply("<think>{\"Overall Score\": \"77\"}</think>\n"));
            ArtifactsJudge.Verdict none = judge.judge(TASK, "x", List.of());
            assertEquals(Optional.empty(), none.score(), "every score was inside a thinking part");
            assertEquals(4, none.attempts());
            assertEquals("", none.reason());
            assertEquals("<think>{\"Overall Score\": \"77\"}</think>\n", none.reply(), "the last attempt's whole reply");
        }
    }

    @Test
    void scoresAreReadWithPythonsUnicodeDigitsAndSpaces() {
        assertEquals(Optional.of(new JudgeScore("８５", 85)), JudgeScore.parse("{\"总体打分\":\u3000\"８５\"}"));
        assertEquals(Optional.of(new JudgeScore("72.5", 72.5)), JudgeScore.parse("{\"Overall Score\":\u00a0\"72.5\"} {\"总体打分\": 10}"),
                "the English key first, whatever the Chinese one says");
        assertEquals(Optional.of(new JudgeScore("70", 70)), JudgeScore.parse("\"Overall Score\": \"70-80\""), "a range reads as its first number");
        assertEquals("a b", ThinkCut.pythonStrip("\u0085\u001c a b\u202f\u2007"));
        assertEquals("", ThinkCut.after("<think>x</think> \n"));
        assertEquals("kept whole", ThinkCut.after(" kept whole "));
    }
}
