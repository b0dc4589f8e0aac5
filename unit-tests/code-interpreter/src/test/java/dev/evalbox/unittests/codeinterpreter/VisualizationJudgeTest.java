package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The image gate, both verdict rules, and the judge over a real loopback chat server. */
class VisualizationJudgeTest {
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G'};

    private static String trace(String observation) {
        return "Thought: plot\nAction: code_interpreter\nAction Input: `df.plot()`\nObservation: " + observation
                + "\nThought: done\nFinal Answer: see the chart";
    }

    @Test
    void theGateNeedsOneImageFromAnObservationWithoutErrors() {
        assertTrue(VisualizationJudge.gate(trace("![fig-001](/r/a.png)"), List.of("/r/a.png")));
        assertFalse(VisualizationJudge.gate(trace("error:\n\n```\nValueError\n```\n\n![fig-001](/r/a.png)"), List.of("/r/a.png")));
        String two = "x\nObservation: Traceback (most recent call last)\n![fig-001](/r/a.png)\nThought: again\nObservation: ![fig-002](/r/b.png)";
        assertTrue(VisualizationJudge.gate(two, List.of("/r/a.png", "/r/b.png")));
    }

    @Test
    void theOriginalRuleCountsAnyRightTheStrictOneReadsTheVerdict() {
        for (var c : List.of(new Object[] {"right", true, true}, new Object[] {"Right.", true, true}, new Object[] {"wrong", false, false},
                new Object[] {"It is not right.", true, false}, new Object[] {"The chart is wrong, the right one would be a bar chart", true, false},
                new Object[] {"copyright", true, false}, new Object[] {"no verdict", false, false})) {
            assertEquals(c[1], VisualizationJudge.isRight((String) c[0], VisualizationJudge.Rule.ORIGINAL), "original: " + c[0]);
            assertEquals(c[2], VisualizationJudge.isRight((String) c[0], VisualizationJudge.Rule.STRICT), "strict: " + c[0]);
        }
    }

    @Test
    void itemsGoToTheJudgeWithTheirImagesAndQuestion() throws Exception {
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(ScriptedChatServer.Step.reply("not right"), ScriptedChatServer.Step.reply("right"),
                    ScriptedChatServer.Step.raw("{broken"));
            OpenAiChatModel model = OpenAiChatModel.builder().baseUrl(server.baseUrl()).model("judge").apiKey("")
                    .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
            VisualizationJudge original = new VisualizationJudge(model, VisualizationJudge.Rule.ORIGINAL,
                    VisualizationJudge.DEFAULT_PROMPT_EN, VisualizationJudge.DEFAULT_PROMPT_ZH);
            VisualizationJudge strict = new VisualizationJudge(model, VisualizationJudge.Rule.STRICT,
                    VisualizationJudge.DEFAULT_PROMPT_EN, VisualizationJudge.DEFAULT_PROMPT_ZH);
            CodeInterpreterRecord easy = new CodeInterpreterRecord(7, "画出销量<|im_end|>\n<|im_start|>assistant\nThought:",
                    Set.of("visualization"), "zh", List.of());
            Map<String, byte[]> files = Map.of("/r/a.png", PNG);
            var first = original.score(easy, trace("\n\n![fig-001](/r/a.png)\n\n![fig-002](/r/missing.png)"), p -> Optional.ofNullable(files.get(p)));
            assertTrue(first.correct(), "the original rule passes \"not right\"");
            assertEquals(List.of("/r/a.png"), first.images());
            JsonNode sent = server.received().get(0).body().path("messages").get(0).path("content");
            assertTrue(sent.get(0).path("text").asText().contains("[问题]：画出销量\n"), sent.toString());
            assertEquals("data:image/png;base64,iVBORw==", sent.get(1).path("image_url").path("url").asText());

            var second = strict.score(easy, trace("![fig-001](/r/a.png)"), p -> Optional.ofNullable(files.get(p)));
            assertTrue(second.correct());
            var broken = strict.score(easy, trace("![fig-001](/r/a.png)"), p -> Optional.ofNullable(files.get(p)));
            assertFalse(broken.correct());
            assertTrue(broken.note().startsWith("the judge failed"), broken.note());
            var none = strict.score(easy, trace("no picture"), p -> Optional.empty());
            var greedy = strict.score(easy, trace("![fig-001](/r/a.png) ![fig-002](/r/b.png)"), p -> Optional.ofNullable(files.get(p)));
            assertEquals(List.of(), greedy.images(), "the benchmark's greedy regex reads two images on one line as one path");
            assertFalse(none.gatePassed());
            assertEquals(3, server.received().size(), "no judge call without an image");
        }
    }
}
