package dev.evalbox.unittests.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import dev.evalbox.unittests.report.ChromiumRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** report.html loaded in real headless Chromium: the DOM it builds and a screenshot of an opened task. */
@Tag("chromium")
class RunReportChromiumTest {
    // A 2x2 red PNG: a figure the task's code displayed.
    private static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP8z8DAwMDAxMDAAAAaBgEC6JwyVQAAAABJRU5ErkJggg==";

    @BeforeAll
    static void needsChromium() {
        ChromiumRequired.check();
    }

    static Path sampleRun(Path run) throws Exception {
        Files.createDirectories(run.resolve("artifacts/2"));
        Files.write(run.resolve("artifacts/2/2.png"), Base64.getDecoder().decode(PNG));
        Files.writeString(run.resolve("run.json"), "{\"kind\":\"run\",\"benchmark\":\"pybench\",\"model\":\"test-model\",\"backend\":\"docker\"}");
        Files.writeString(run.resolve("results.jsonl"), String.join("\n",
                "{\"task_id\":\"10\",\"passed\":false,\"reason\":\"AssertionError: <b>not bold</b>\",\"verdict\":\"Failed:AssertionError\",\"turns\":1,\"stop_reason\":\"no_code\"}",
                "{\"task_id\":\"2\",\"passed\":true,\"reason\":\"\",\"verdict\":\"Pass\",\"turns\":2,\"stop_reason\":\"no_code\"}", ""));
        String code = "<|execute_start|>\\n```python\\nimport matplotlib.pyplot as plt\\n# plot it\\nplt.plot([1, 2])\\nprint('saved')\\n```\\n<|execute_end|>";
        Files.writeString(run.resolve("pybench_trajectory.jsonl"), String.join("\n",
                "{\"index\":\"2\",\"category1\":\"作图\",\"messages\":[{\"role\":\"system\",\"content\":\"sys\"},{\"role\":\"user\",\"content\":\"plot\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Analyse: plotting.\\n" + code + "\"},"
                        + "{\"role\":\"user\",\"content\":\"[INFO]This is a Code Interpreter Message:\\nsaved\\n\"},"
                        + "{\"role\":\"assistant\",\"content\":\"Finished: the plot is in ./output/2.png\"}]}",
                "{\"index\":\"10\",\"category1\":\"文本\",\"messages\":[{\"role\":\"user\",\"content\":\"<script>alert(1)</script>\"}]}", ""));
        Files.writeString(run.resolve("trajectories.jsonl"), "{\"type\":\"code_execution\",\"task_id\":\"2\",\"time\":\"2026-01-01T00:00:00Z\","
                + "\"turn\":1,\"code\":\"x\",\"status\":\"ok\",\"outputs\":[{\"output_type\":\"display_data\",\"data\":{\"image/png\":\"" + PNG + "\"},"
                + "\"metadata\":{}}],\"duration_ms\":1,\"state_lost\":false,\"message\":\"\"}\n");
        return run;
    }

    private static String chromium(Path profile, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ChromiumRequired.CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "chromium finished");
        return out;
    }

    @Test
    void aTasksLinkOpensItsFirstSampleWhereATaskHasSeveral(@TempDir Path dir) throws Exception {
        Path run = Files.createDirectories(dir.resolve("run"));
        Files.writeString(run.resolve("results.jsonl"), String.join("\n",
                "{\"task_id\":\"q1\",\"epoch\":1,\"sample\":0,\"passed\":true,\"reason\":\"\"}",
                "{\"task_id\":\"q1\",\"epoch\":1,\"sample\":1,\"passed\":false,\"reason\":\"AssertionError\"}",
                "{\"task_id\":\"q2\",\"epoch\":1,\"sample\":0,\"passed\":true,\"reason\":\"\"}", ""));
        Path report = new RunReport(run).write();
        // compare links a task as #task-ID; a run of samples has an anchor per sample
        String dom = chromium(dir.resolve("profile"), "--virtual-time-budget=3000", "--dump-dom", report.toUri() + "#task-q1");
        assertTrue(dom.contains("id=\"task-q1-sample-0\" open=\"\""), "the first sample of q1 opened: " + dom.length());
        assertTrue(!dom.contains("id=\"task-q2-sample-0\" open"), "no other task opened");
    }

    @Test
    void theReportRendersInChromiumWithItsTablesConversationsAndFigures(@TempDir Path dir) throws Exception {
        Path run = sampleRun(dir.resolve("run"));
        Path report = new RunReport(run).write();
        String url = report.toUri() + "#task-2";

        String dom = chromium(dir.resolve("profile1"), "--virtual-time-budget=3000", "--dump-dom", url);
        assertTrue(dom.contains("id=\"pass-rate\">50.0% passed"), "pass rate in the DOM");
        assertTrue(dom.contains("<details class=\"task pass\" id=\"task-2\" open=\"\">"), "the #task-2 link opened the conversation: " + dom.length());
        assertTrue(dom.indexOf("id=\"task-2\"") < dom.indexOf("id=\"task-10\""), "tasks in numeric order");
        assertTrue(dom.contains("<span class=\"k\">import</span>") && dom.contains("<span class=\"c\"># plot it</span>"), "code highlighted");
        assertTrue(dom.contains("src=\"artifacts/2/2.png\"") && dom.contains("src=\"data:image/png;base64,"), "written file and displayed figure");
        assertTrue(dom.contains("&lt;b&gt;not bold&lt;/b&gt;") && dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "model text is escaped");
        assertEquals(-1, dom.indexOf("<script>alert(1)"));

        Path screenshot = dir.resolve("report.png");
        chromium(dir.resolve("profile2"), "--window-size=1100,1400", "--virtual-time-budget=3000", "--screenshot=" + screenshot, url);
        BufferedImage image = ImageIO.read(screenshot.toFile());
        assertEquals(1100, image.getWidth());
        assertEquals(1400, image.getHeight());
        int dark = 0;
        for (int y = 0; y < image.getHeight(); y += 4) {
            for (int x = 0; x < image.getWidth(); x += 4) {
                int rgb = image.getRGB(x, y);
                if (((rgb >> 16) & 0xff) < 60 && ((rgb >> 8) & 0xff) < 60 && (rgb & 0xff) < 80) dark++;
            }
        }
        assertTrue(dark > 200, "the page drew text and the dark code block (" + dark + " dark samples)");
    }
}
