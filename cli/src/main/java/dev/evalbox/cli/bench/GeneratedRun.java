package dev.evalbox.cli.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A run directory of {@code tasks} generated results for {@code evalbox bench kernel} to display in a
 * notebook: rows as a real run writes them (task id, sample, verdict, a reason with a traceback for
 * failures, the category, the model's code of about 1 KB), metrics, and screenshots for the first
 * rows (the run view shows a dozen inline). Seeded, so every run of the bench displays the same run.
 */
final class GeneratedRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> CATEGORIES = List.of("algorithm", "data processing", "string", "math", "graph",
            "file io", "sql", "plotting");
    private static final int SCREENSHOTS = 12;

    private GeneratedRun() {
    }

    /** Writes the run into {@code directory} (created) and returns it. */
    static Path write(Path directory, int tasks) throws IOException {
        Files.createDirectories(directory.resolve("artifacts"));
        Random random = new Random(15);
        String code = "def solution(values):\n    total = 0\n    for value in values:\n        if value % 2 == 0:\n"
                + "            total += value * value\n        else:\n            total -= value\n    return total\n";
        int passed = 0;
        try (BufferedWriter out = Files.newBufferedWriter(directory.resolve("results.jsonl"), StandardCharsets.UTF_8)) {
            for (int i = 0; i < tasks; i++) {
                boolean ok = random.nextDouble() < 0.6;
                passed += ok ? 1 : 0;
                ObjectNode row = JSON.createObjectNode().put("task_id", String.format("generated-%05d", i)).put("sample", 0)
                        .put("passed", ok)
                        .put("reason", ok ? "" : "AssertionError: expected " + i + " but got " + (i + 1)
                                + "\n  File \"test_solution.py\", line 12, in test_case\n    assert solution(values) == expected")
                        .put("category", CATEGORIES.get(i % CATEGORIES.size()))
                        .put("completion", code.repeat(4)).put("turns", 5);
                if (i < SCREENSHOTS) {
                    String shot = "artifacts/" + i + "/shot-1.png";
                    Files.createDirectories(directory.resolve(shot).getParent());
                    screenshot(directory.resolve(shot), i);
                    row.putArray("screenshots").add(shot);
                }
                out.write(JSON.writeValueAsString(row));
                out.write('\n');
            }
        }
        double rate = tasks == 0 ? 0 : 100.0 * passed / tasks;
        ObjectNode metrics = JSON.createObjectNode().put("pass@1", Math.round(rate * 10) / 10.0).put("tasks", tasks);
        Files.writeString(directory.resolve("metrics.json"), JSON.writeValueAsString(metrics));
        ObjectNode run = JSON.createObjectNode().put("benchmark", "generated").put("model", "generated");
        run.set("metrics", metrics);
        Files.writeString(directory.resolve("run.json"), JSON.writeValueAsString(run));
        return directory;
    }

    private static void screenshot(Path file, int seed) throws IOException {
        BufferedImage image = new BufferedImage(320, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(0x20 + seed * 13 % 200, 0x60, 0xA0));
        g.fillRect(0, 0, 320, 200);
        g.setColor(Color.WHITE);
        g.fillRect(20 + seed * 20, 80, 60, 40); // no text: headless machines may lack fonts
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
