package dev.evalbox.unittests.humanevalv;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.unittests.eval.DemoPart;
import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.unittests.host.HostCommandException;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.SandboxOptions;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * The HumanEval-V part of `evalbox demo`: three tasks in the benchmark's format whose diagrams evalbox draws
 * itself, written as a JSON Lines export with PNG files, then graded with their ground-truth solutions
 * (`grade humaneval-v --reference`) in sandboxes.
 */
final class HumanEvalVDemo implements DemoPart {
    private static final int SIZE = 320;

    /** One task: what the diagram shows is drawn by {@code draw}; the rest are the dataset's fields. */
    private record Task(String qid, Consumer<Graphics2D> draw, String signature, String test, String solution, String description) { }


    /** Writes the tasks under the part's folder, grades their ground truth; returns how many tasks failed. */
    @Override
    public int run(Context context) throws IOException {
        SandboxOptions options = context.sandbox();
        System.out.println("\n── HumanEval-V sample: evalbox's own diagram tasks, ground-truth solutions graded (pylint gate, 2 s limit)");
        if (!pylintInSandboxes(options)) {
            System.out.println("  skipped: the local backend's Python has no pylint, which grading needs (install Debian's pylint)");
            return 0;
        }
        Path data = write(context.dir().resolve("data"));
        Path runPath = context.dir().resolve("run");
        // the same path as `evalbox grade humaneval-v --reference`
        int exit = context.evalbox("grade", "humaneval-v", "--data", data.toString(), "--reference",
                "--out", runPath.toString(), "--backend", options.backend(), "--image", options.image(), "--python", options.python(),
                "--memory", options.memory());
        int tasks = HumanEvalVDataset.readJsonl(data).items().size();
        long passed = RunDirectory.readResults(runPath).stream().filter(r -> r.path("passed").asBoolean()).count();
        if (exit != 0) System.out.println("  grading did not finish (exit code " + exit + ")");
        System.out.printf("  %d of %d HumanEval-V sample tasks passed; diagrams in %s%n", passed, tasks,
                data.resolveSibling("images").toAbsolutePath());
        return tasks - (int) passed;
    }

    /** Docker's image has pylint; the local backend runs this machine's Python, which may not. */
    private static boolean pylintInSandboxes(SandboxOptions options) {
        boolean docker = "docker".equals(options.backend())
                || "auto".equals(options.backend()) && DockerEngine.problem() == null && DockerEngine.identify(options.image()).isPresent();
        if (docker) return true;
        try {
            return HostCommand.of(options.python(), "-c", "import pylint").timeout(Duration.ofSeconds(60)).run().ok();
        } catch (HostCommandException e) {
            return false;
        }
    }

    private static Path write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("images"));
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (Task task : tasks()) {
            BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = image.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, SIZE, SIZE);
            task.draw().accept(g);
            g.dispose();
            ImageIO.write(image, "png", dir.resolve("images/" + task.qid() + ".png").toFile());
            lines.append(json.createObjectNode().put("qid", task.qid()).put("diagram", "images/" + task.qid() + ".png")
                    .put("function_signature", task.signature()).put("test_script", task.test())
                    .put("ground_truth_solution", task.solution()).put("ground_truth_diagram_description", task.description())
                    .put("task_type", "evalbox demo")).append('\n');
        }
        Path file = dir.resolve("humaneval_v_sample.jsonl");
        Files.writeString(file, lines);
        return file;
    }

    private static final int[][] REGIONS = {{1, 1, 0, 0, 1}, {0, 1, 0, 0, 1}, {0, 0, 0, 1, 0}, {1, 0, 1, 1, 0}, {1, 0, 0, 0, 0}};

    private static List<Task> tasks() {
        return List.of(
                new Task("demo-regions", g -> {
                    int cell = SIZE / 5;
                    for (int r = 0; r < 5; r++) {
                        for (int c = 0; c < 5; c++) {
                            g.setColor(REGIONS[r][c] == 1 ? new Color(0x3b7dd8) : Color.WHITE);
                            g.fillRect(c * cell, r * cell, cell, cell);
                            g.setColor(Color.DARK_GRAY);
                            g.drawRect(c * cell, r * cell, cell, cell);
                        }
                    }
                }, """
                        def solution(grid: list[list[int]]) -> int:
                            \"""
                            The diagram shows a grid of white and blue cells (blue is 1 in `grid`). Blue cells that share
                            an edge belong to the same region. Return how many regions there are.
                            \"""
                        """, """
                        assert solution(%s) == 4
                        assert solution([[1, 0], [0, 1]]) == 2
                        assert solution([[0]]) == 0
                        assert solution([[1, 1], [1, 1]]) == 1
                        """.formatted(java.util.Arrays.deepToString(REGIONS)), """
                        def solution(grid):
                            rows, cols = len(grid), len(grid[0])
                            seen = set()

                            def fill(r, c):
                                if not (0 <= r < rows and 0 <= c < cols) or grid[r][c] != 1 or (r, c) in seen:
                                    return
                                seen.add((r, c))
                                for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                                    fill(r + dr, c + dc)

                            regions = 0
                            for r in range(rows):
                                for c in range(cols):
                                    if grid[r][c] == 1 and (r, c) not in seen:
                                        fill(r, c)
                                        regions += 1
                            return regions""", "A 5x5 grid with four separate groups of blue cells."),
                new Task("demo-clock", g -> {
                    int centre = SIZE / 2;
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(4));
                    g.drawOval(20, 20, SIZE - 40, SIZE - 40);
                    for (int h = 1; h <= 12; h++) { // ticks, not numerals: drawing text would need fonts on this machine
                        double a = Math.toRadians(h * 30 - 90);
                        int inner = h % 3 == 0 ? 105 : 120;
                        g.drawLine((int) (centre + inner * Math.cos(a)), (int) (centre + inner * Math.sin(a)),
                                (int) (centre + 135 * Math.cos(a)), (int) (centre + 135 * Math.sin(a)));
                    }
                    hand(g, centre, 3 * 30 + 15, 70, 8, Color.BLACK);   // 3:30: the hour hand halfway between 3 and 4
                    hand(g, centre, 180, 110, 4, new Color(0xc0392b)); // the minute hand on 6
                }, """
                        def solution(hour: int, minute: int) -> float:
                            \"""
                            The clock in the picture shows 3:30; the hour hand moves on as the minutes pass. Return the
                            smaller angle, in degrees, between the two hands at hour:minute.
                            \"""
                        """, """
                        assert solution(3, 30) == 75.0
                        assert solution(12, 0) == 0.0
                        assert solution(9, 0) == 90.0
                        assert solution(6, 15) == 97.5
                        """, """
                        def solution(hour, minute):
                            angle = abs((hour % 12) * 30 + minute / 2 - minute * 6)
                            return min(angle, 360 - angle)""", "A clock face showing 3:30."),
                new Task("demo-path", g -> {
                    int step = SIZE / 8;
                    g.setColor(new Color(0xdddddd));
                    for (int i = 0; i <= 8; i++) {
                        g.drawLine(i * step, 0, i * step, SIZE);
                        g.drawLine(0, i * step, SIZE, i * step);
                    }
                    int[][] points = {{1, 1}, {1, 5}, {4, 5}, {4, 2}, {7, 2}};
                    g.setColor(new Color(0x27ae60));
                    g.setStroke(new BasicStroke(5));
                    for (int i = 1; i < points.length; i++) {
                        g.drawLine(points[i - 1][0] * step, points[i - 1][1] * step, points[i][0] * step, points[i][1] * step);
                    }
                    g.setColor(Color.BLACK);
                    for (int[] p : points) g.fillOval(p[0] * step - 7, p[1] * step - 7, 14, 14);
                }, """
                        def solution(points: list[tuple[int, int]]) -> int:
                            \"""
                            The picture draws a path through grid points, moving only along grid lines. Return the
                            length of the path through `points` in order, counted in grid steps.
                            \"""
                        """, """
                        assert solution([(1, 1), (1, 5), (4, 5), (4, 2), (7, 2)]) == 13
                        assert solution([(0, 0)]) == 0
                        assert solution([(0, 0), (2, 3)]) == 5
                        """, """
                        def solution(points):
                            return sum(abs(x2 - x1) + abs(y2 - y1) for (x1, y1), (x2, y2) in zip(points, points[1:]))""",
                        "A green path with five points on an 8x8 grid."));
    }

    private static void hand(Graphics2D g, int centre, double degrees, int length, int width, Color color) {
        double a = Math.toRadians(degrees - 90);
        g.setColor(color);
        g.setStroke(new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.drawLine(centre, centre, (int) (centre + length * Math.cos(a)), (int) (centre + length * Math.sin(a)));
    }
}
