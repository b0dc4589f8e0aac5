package dev.evalbox.kernel.notebook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class RunViewTest {
    @Test
    void passAtKRunShowsItsMetricsTable(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve("run.json"), "{\"benchmark\":\"humaneval-v\",\"model\":\"reference\",\"metrics\":{\"pass@1\":66.7,\"psr\":100.0}}");
        Files.writeString(run.resolve("results.jsonl"), """
                {"task_id":"q1","sample":0,"passed":true,"reason":"","task_type":"math"}
                {"task_id":"q2","sample":0,"passed":false,"reason":"AssertionError","task_type":"math"}
                {"task_id":"q3","sample":0,"passed":true,"reason":"","task_type":"grid"}
                """);
        RunView view = RunView.load(run);
        Map<String, double[]> categories = view.byCategory();
        assertArrayEquals(new double[] {2, 1, 0}, categories.get("math"));
        assertArrayEquals(new double[] {1, 1, 0}, categories.get("grid"));
        String html = (String) view.bundle().data().get("text/html");
        assertTrue(html.contains("<td>pass@1</td><td>66.7</td>"), html);
        // the viewer's cards and charts (RunSummaryHtml)
        assertTrue(html.contains("data-metric=\"passed\"><b>2</b>") && html.contains("data-metric=\"pass rate\"><b>66.67%</b>"), html);
        assertTrue(html.contains("<span>math</span>") && html.contains("50% of 2") && html.contains("100% of 1"), html);
        assertTrue(html.contains("AssertionError"));
        assertTrue(((String) view.bundle().data().get("text/plain")).contains("pass@1: 66.7"));
    }

    @Test
    void artifactsRunShowsMeanScoresByCategoryAndScreenshotsInline(@TempDir Path run) throws Exception {
        Files.createDirectories(run.resolve("artifacts/7"));
        ImageIO.write(new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB), "png", run.resolve("artifacts/7/shot-1.png").toFile());
        Files.writeString(run.resolve("run.json"), "{\"benchmark\":\"artifactsbench\"}");
        Files.writeString(run.resolve("metrics.json"), "{\"mean_score\":55.0,\"by_category\":{\"Game\":55.0}}");
        Files.writeString(run.resolve("results.jsonl"), """
                {"task_id":"7","score":60,"class":"Game-Puzzle","screenshots":["artifacts/7/shot-1.png"]}
                {"task_id":"8","score":50,"class":"Game-Arcade","screenshots":[]}
                {"task_id":"9","score":null,"class":"SVG-Icon","reason":"no score parsed"}
                """);
        RunView view = RunView.load(run);
        assertArrayEquals(new double[] {2, 2, 110}, view.byCategory().get("Game"));
        String html = (String) view.bundle().data().get("text/html");
        assertTrue(html.contains("<span>Game</span>") && html.contains("mean 55 of 2") && html.contains("By category (mean score)"), html);
        assertTrue(html.contains("data-metric=\"mean score\"><b>55</b>"), html);
        assertTrue(html.contains("data:image/png;base64,"), "the screenshot is inline");
        assertTrue(html.contains("<td>mean_score</td><td>55.0</td>"), html);
    }

    @Test
    void theStreamedSummaryAndRowsMatchTheParsedRows(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve("run.json"), "{\"benchmark\":\"mixed\"}");
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            String category = switch (i % 6) {
                case 0 -> "\"category\":\"data  science\"";
                case 1 -> "\"category1\":\"first\",\"category\":\"second\"";
                case 2 -> "\"task_type\":7,\"category\":null";
                case 3 -> "\"class\":\"Game-Puzzle\"";
                case 4 -> "\"category\":{\"nested\":[1,2]}";
                default -> "\"other\":[{\"category\":\"inner\"}]";
            };
            String verdict = i % 5 == 0 ? "\"score\":" + (i % 3 == 0 ? "null" : String.valueOf(i / 10.0)) : "\"passed\":" + (i % 2 == 0);
            rows.append("{\"task_id\":\"t").append(i).append("\",").append(category).append(',').append(verdict)
                    .append(",\"reason\":\"why \\\"").append(i).append("\\\"\\n\",\"completion\":\"x = [").append(i).append("]\"}\n");
            if (i % 50 == 0) {
                rows.append("\n   \n");
            }
        }
        Files.writeString(run.resolve("results.jsonl"), rows);
        RunView streamed = RunView.load(run);
        RunView parsed = new RunView(run, streamed.run(), streamed.metrics(), dev.evalbox.unittests.RunDirectory.readResults(run));
        assertEquals(parsed.results().size(), streamed.results().size());
        assertEquals(parsed.results(), streamed.results(), "each row, parsed when asked for");
        assertEquals(parsed.byCategory().keySet(), streamed.byCategory().keySet());
        parsed.byCategory().forEach((category, group) -> assertArrayEquals(group, streamed.byCategory().get(category), category));
        assertEquals(parsed.bundle(), streamed.bundle());
    }

    @Test
    void aRowThatIsNotJsonIsAClearError(@TempDir Path run) throws Exception {
        Files.writeString(run.resolve("results.jsonl"), "{\"task_id\":\"a\",\"passed\":true}\n{\"task_id\": oops}\n");
        java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class, () -> RunView.load(run));
        assertTrue(e.getMessage().contains("results.jsonl"), e.getMessage());
    }

    @Test
    void notARunDirectoryIsAClearError(@TempDir Path empty) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RunView.load(empty));
        assertTrue(e.getMessage().contains("not a run directory"));
    }
}
