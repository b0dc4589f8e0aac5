package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ArtifactsBench's files, answer extraction and score parsing. */
class ArtifactsBenchTest {

    @Test
    void theRealLiteSetLoads() {
        Path file = null;
        for (Path d = Path.of("").toAbsolutePath(); d != null && file == null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("shared/data/artifactsbench/artifacts_bench_lite.jsonl"))) {
                file = d.resolve("shared/data/artifactsbench/artifacts_bench_lite.jsonl");
            }
        }
        Assumptions.assumeTrue(file != null, "skipping: ../shared/data/artifactsbench is not on this machine");
        ArtifactsData.Loaded<ArtifactsTask> loaded = ArtifactsData.readTasks(file);
        assertEquals(List.of(), loaded.problems());
        assertEquals(150, loaded.items().size());
        assertTrue(loaded.items().stream().allMatch(t -> t.checklist().size() == 10));
        Map<String, Long> byPrefix = loaded.items().stream().collect(Collectors.groupingBy(ArtifactsTask::categoryPrefix, Collectors.counting()));
        assertEquals(30L, byPrefix.get("Web Applications"));
        assertEquals(8L, byPrefix.get("SVG Generation"));
        assertEquals("57", loaded.items().get(0).index());
    }

    @Test
    void answersComeFromTheReferencesFieldsAfterTheLastThinkTag(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("answers.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"index\": 1, \"answer\": \"<think>plan</think>\\n<think>more</think>  final page  \"}",
                "{\"index\": 2, \"model_infer_result\": \"from infer\", \"answer\": \"ignored\"}",
                "{\"index\": 3, \"output\": \"\", \"answer\": \"fallback\"}",
                "{\"answer\": \"no index\"}"));
        ArtifactsData.Loaded<Map.Entry<String, String>> loaded = ArtifactsData.readAnswers(file);
        assertEquals(List.of(Map.entry("1", "final page"), Map.entry("2", "from infer"), Map.entry("3", "fallback")), loaded.items());
        assertEquals(List.of("answers.jsonl line 4: field \"index\" missing"), loaded.problems());
    }

    @Test
    void theLastHtmlElseTheLastSvgIsThePage() {
        assertEquals(Optional.of(new ArtifactPage("html", "<html lang=\"en\"><body>two</body></html>")),
                ArtifactPage.of("<html><body>one</body></html> text <html lang=\"en\"><body>two</body></html> <svg></svg>"));
        assertEquals(Optional.of(new ArtifactPage("svg", "<svg width=\"10\"><rect/></svg>")),
                ArtifactPage.of("<svg><circle/></svg>\nbetter:\n<svg width=\"10\"><rect/></svg>"));
        assertEquals(Optional.empty(), ArtifactPage.of("Here is my plan, no page."));
        assertEquals(Optional.empty(), ArtifactPage.of("<HTML><body>upper case</body></HTML>"), "the reference's pattern is lower-case");
    }

    @Test
    void aFencedPageGetsItsLocalCssAndJsInlined() {
        String answer = String.join("\n", "Files:", "```html", "<html><head><link rel=\"stylesheet\" href=\"style.css\">"
                + "<link rel=\"stylesheet\" href=\"https://cdn.example/x.css\"></head>", "<body><script src=\"app.js\"></script></body></html>", "```",
                "```css", "body { color: red; }", "```", "```javascript", "console.log(1);", "```");
        ArtifactPage page = ArtifactPage.of(answer).orElseThrow();
        assertTrue(page.html().contains("<style>\nbody { color: red; }\n</style>"), page.html());
        assertTrue(page.html().contains("https://cdn.example/x.css"), "remote references stay: " + page.html());
        assertTrue(page.html().contains("<script>\nconsole.log(1);\n</script>"), page.html());
    }

    @Test
    void scoresAreReadInEveryAcceptedForm() {
        assertEquals(Optional.of(new JudgeScore("85", 85)), JudgeScore.parse("{\"Overall Score\": \"85\"}"));
        assertEquals(Optional.of(new JudgeScore("72.5", 72.5)), JudgeScore.parse("{\"Overall Score\": 72.5}"));
        assertEquals(Optional.of(new JudgeScore("70", 70)), JudgeScore.parse("a range: {\"Overall Score\": \"70-80\"}"),
                "the reference's pattern reads a range as its first number");
        assertEquals(Optional.of(new JudgeScore("40", 40)), JudgeScore.parse("{\"Overall Score\": \"90\"} revised: {\"Overall Score\": \"40\"}"),
                "the last match");
        assertEquals(Optional.of(new JudgeScore("66", 66)), JudgeScore.parse("{\"总体打分\": \"66\"}"));
        assertEquals(Optional.of(new JudgeScore("50", 50)), JudgeScore.parse("{\"Overall Score\": \"50\", \"总体打分\": \"99\"}"),
                "the English key first");
        assertEquals(Optional.empty(), JudgeScore.parse("I would give it a solid 80."));
        assertEquals(Optional.empty(), JudgeScore.parse("{\"overall score\": 80}"), "the key is matched exactly");
    }
}
