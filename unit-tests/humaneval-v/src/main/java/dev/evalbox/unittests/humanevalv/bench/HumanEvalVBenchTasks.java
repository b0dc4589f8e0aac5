package dev.evalbox.unittests.humanevalv.bench;

import dev.evalbox.unittests.humanevalv.HumanEvalVTask;
import dev.evalbox.unittests.humanevalv.Predictions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * evalbox's own HumanEval-V-format task set for the grading benchmark, generated from a seed: eight
 * kinds of small visual-reasoning functions (grids, paths, strings, clocks), each instance with its own
 * inputs and expected values (computed here), and six model-like answers per task in the benchmark's
 * usual mix: correct ones in several shapes (prose around a block, a body without its signature, a
 * helper), wrong ones, ones pylint rejects, ones that raise, answers without code, and rare endless loops.
 */
public final class HumanEvalVBenchTasks {
    /** What a sample is meant to do; the benchmark checks both procedures against it too. */
    public enum Kind { PASS, WRONG, PYLINT_ERROR, RAISES, NO_CODE, ENDLESS }

    /** The tasks, one predictions entry per task, and each sample's kind (in entry order). */
    public record SampleSet(List<HumanEvalVTask> tasks, List<Predictions.Entry> predictions, List<List<Kind>> kinds) {
        public int samples() { return predictions.stream().mapToInt(e -> e.predictions().size()).sum(); }
    }

    static final int SAMPLES_PER_TASK = 6;

    /** One kind of task: its signature, a correct and a wrong solution, and a test generator (inputs, expected value). */
    private record Template(String name, String signature, String solution, String wrong, BiFunction<Random, Integer, String> test) { }

    private HumanEvalVBenchTasks() { }

    /** {@code samples} samples, six per task (the last task may have fewer), the same for the same seed. */
    public static SampleSet generate(int samples, long seed) {
        if (samples < 1) throw new IllegalArgumentException("--samples must be at least 1, got " + samples);
        Random random = new Random(seed);
        List<Template> templates = templates();
        List<HumanEvalVTask> tasks = new ArrayList<>();
        List<Predictions.Entry> predictions = new ArrayList<>();
        List<List<Kind>> kinds = new ArrayList<>();
        for (int t = 0; samples > 0; t++) {
            Template template = templates.get(t % templates.size());
            String qid = "b" + (t + 1) + "-" + template.name();
            StringBuilder test = new StringBuilder();
            for (int i = 0; i < 3; i++) test.append(template.test().apply(random, i)).append('\n');
            tasks.add(new HumanEvalVTask(qid, template.signature(), test.toString()));
            int n = Math.min(SAMPLES_PER_TASK, samples);
            samples -= n;
            List<String> answers = new ArrayList<>();
            List<Kind> taskKinds = new ArrayList<>();
            for (int s = 0; s < n; s++) {
                Kind kind = kind(random);
                taskKinds.add(kind);
                answers.add(answer(template, kind, random));
            }
            predictions.add(new Predictions.Entry(qid, answers, Optional.empty()));
            kinds.add(taskKinds);
        }
        return new SampleSet(tasks, predictions, kinds);
    }

    /** Roughly what a mid-sized model's samples look like: half correct, a quarter wrong, the rest broken in various ways. */
    private static Kind kind(Random random) {
        int roll = random.nextInt(1000);
        if (roll < 500) return Kind.PASS;
        if (roll < 750) return Kind.WRONG;
        if (roll < 860) return Kind.PYLINT_ERROR;
        if (roll < 940) return Kind.RAISES;
        if (roll < 998) return Kind.NO_CODE;
        return Kind.ENDLESS;
    }

    private static String answer(Template template, Kind kind, Random random) {
        return switch (kind) {
            case PASS -> switch (random.nextInt(3)) {
                case 0 -> "Looking at the diagram, the rule is clear.\n\n```python\n" + template.solution() + "```\n\nThis handles every case.";
                case 1 -> "```python\n" + body(template.solution()) + "```";
                default -> "First a helper, then the solution.\n```python\ndef _identity(value):\n    return value\n\n\n"
                        + template.solution().replace("return ", "return _identity(").replaceAll("(return _identity\\(.*)\n", "$1)\n") + "```";
            };
            case WRONG -> "The diagram suggests:\n```python\n" + template.wrong() + "```";
            case PYLINT_ERROR -> random.nextBoolean()
                    ? "```python\n" + template.solution().replaceFirst(":\n", "\n") + "```"
                    : "```python\n" + template.solution().replaceFirst("return ", "return undefined_helper() or ") + "```";
            case RAISES -> "```python\n" + template.signature().lines().findFirst().orElseThrow()
                    + "\n    raise ValueError('the diagram is ambiguous')\n```";
            case NO_CODE -> "I cannot tell from the image what the function should compute.";
            case ENDLESS -> "```python\n" + template.signature().lines().findFirst().orElseThrow() + "\n    steps = 0\n    while True:\n"
                    + "        steps += 1\n```";
        };
    }

    /** The solution without its def line: an answer that continues the given signature. */
    private static String body(String solution) {
        return solution.substring(solution.indexOf(":\n") + 2);
    }

    private static List<Template> templates() {
        return List.of(
                new Template("islands", """
                        def solution(grid: list[list[int]]) -> int:
                            \"""Counts the shaded regions of the diagram: cells with 1 that touch up, down, left or right form one region.\"""
                        """, """
                        def solution(grid):
                            from collections import deque
                            rows, cols = len(grid), len(grid[0])
                            seen = set()
                            regions = 0
                            for r in range(rows):
                                for c in range(cols):
                                    if grid[r][c] != 1 or (r, c) in seen:
                                        continue
                                    regions += 1
                                    queue = deque([(r, c)])
                                    seen.add((r, c))
                                    while queue:
                                        y, x = queue.popleft()
                                        for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                                            ny, nx = y + dy, x + dx
                                            if 0 <= ny < rows and 0 <= nx < cols and grid[ny][nx] == 1 and (ny, nx) not in seen:
                                                seen.add((ny, nx))
                                                queue.append((ny, nx))
                            return regions
                        """, """
                        def solution(grid):
                            return sum(sum(row) for row in grid)
                        """, (random, index) -> {
                    int[][] grid = grid(random, 3 + random.nextInt(4), 3 + random.nextInt(4), 2);
                    if (index == 0) grid[0][0] = grid[0][1] = 1; // a region of two cells, so counting cells is wrong
                    return "assert solution(" + py(grid) + ") == " + islands(grid);
                }),
                new Template("rotate", """
                        def solution(grid: list[list[int]], turns: int) -> list[list[int]]:
                            \"""Rotates the pictured grid clockwise by a quarter turn, `turns` times.\"""
                        """, """
                        def solution(grid, turns):
                            result = [row[:] for row in grid]
                            for _ in range(turns % 4):
                                result = [list(row) for row in zip(*result[::-1])]
                            return result
                        """, """
                        def solution(grid, turns):
                            result = [row[:] for row in grid]
                            for _ in range(turns % 4):
                                result = [list(row) for row in zip(*result)][::-1]
                            return result
                        """, (random, index) -> {
                    int[][] grid = grid(random, 2 + random.nextInt(3), 2 + random.nextInt(3), 9);
                    int turns = index == 1 ? 3 : 1; // two turns either way agree, so the wrong direction would pass
                    int[][] expected = grid;
                    for (int i = 0; i < turns; i++) expected = rotate(expected);
                    return "assert solution(" + py(grid) + ", " + turns + ") == " + py(expected);
                }),
                new Template("polyline", """
                        def solution(points: list[tuple[int, int]]) -> int:
                            \"""The length of the drawn path through the points in order, moving only along grid lines.\"""
                        """, """
                        def solution(points):
                            total = 0
                            for (x1, y1), (x2, y2) in zip(points, points[1:]):
                                total += abs(x2 - x1) + abs(y2 - y1)
                            return total
                        """, """
                        def solution(points):
                            total = 0
                            for (x1, y1), (x2, y2) in zip(points, points[1:-1]):
                                total += abs(x2 - x1) + abs(y2 - y1)
                            return total
                        """, (random, index) -> {
                    int n = 3 + random.nextInt(4);
                    int[][] points = new int[n][];
                    int length = 0;
                    for (int i = 0; i < n; i++) {
                        points[i] = new int[] {random.nextInt(20) - 10, random.nextInt(20) - 10};
                        if (i > 0 && points[i][0] == points[i - 1][0] && points[i][1] == points[i - 1][1]) points[i][0]++;
                        if (i > 0) length += Math.abs(points[i][0] - points[i - 1][0]) + Math.abs(points[i][1] - points[i - 1][1]);
                    }
                    String list = IntStream.range(0, n).mapToObj(i -> "(" + points[i][0] + ", " + points[i][1] + ")")
                            .collect(Collectors.joining(", ", "[", "]"));
                    return "assert solution(" + list + ") == " + length;
                }),
                new Template("wheel", """
                        def solution(text: str, shift: int) -> str:
                            \"""Turns each letter of the lower-case text `shift` places along the letter wheel in the picture.\"""
                        """, """
                        def solution(text, shift):
                            import string
                            letters = string.ascii_lowercase
                            return ''.join(letters[(letters.index(ch) + shift) % 26] if ch in letters else ch for ch in text)
                        """, """
                        def solution(text, shift):
                            return ''.join(chr(ord(ch) + shift) if ch.isalpha() else ch for ch in text)
                        """, (random, index) -> {
                    StringBuilder text = new StringBuilder("xyz");
                    for (int i = 0; i < 5 + random.nextInt(5); i++) text.append((char) ('a' + random.nextInt(26)));
                    int shift = 1 + random.nextInt(25);
                    StringBuilder expected = new StringBuilder();
                    for (char ch : text.toString().toCharArray()) expected.append((char) ('a' + (ch - 'a' + shift) % 26));
                    return "assert solution('" + text + "', " + shift + ") == '" + expected + "'";
                }),
                new Template("diagonals", """
                        def solution(square: list[list[int]]) -> tuple[int, int]:
                            \"""The sums along the two marked diagonals: top-left to bottom-right first, then top-right to bottom-left.\"""
                        """, """
                        def solution(square):
                            n = len(square)
                            main = sum(square[i][i] for i in range(n))
                            anti = sum(square[i][n - 1 - i] for i in range(n))
                            return (main, anti)
                        """, """
                        def solution(square):
                            n = len(square)
                            return (sum(square[i][n - 1 - i] for i in range(n)), sum(square[i][i] for i in range(n)))
                        """, (random, index) -> {
                    int n = 3 + random.nextInt(3);
                    int[][] square = grid(random, n, n, 20);
                    int main = 0;
                    int anti = 0;
                    for (int i = 0; i < n; i++) {
                        main += square[i][i];
                        anti += square[i][n - 1 - i];
                    }
                    if (main == anti) { // the swapped answer must stay wrong
                        square[0][0]++;
                        main++;
                    }
                    return "assert solution(" + py(square) + ") == (" + main + ", " + anti + ")";
                }),
                new Template("runs", """
                        def solution(beads: list[int]) -> list[tuple[int, int]]:
                            \"""The string of beads as (colour, how many in a row) for each run of equal colours.\"""
                        """, """
                        def solution(beads):
                            from itertools import groupby
                            return [(colour, len(list(group))) for colour, group in groupby(beads)]
                        """, """
                        def solution(beads):
                            from collections import Counter
                            return list(Counter(beads).items())
                        """, (random, index) -> {
                    List<Integer> beads = new ArrayList<>();
                    int first = random.nextInt(3);
                    int colour = first;
                    for (int i = 0; i < 3 + random.nextInt(4); i++) {
                        for (int k = 0; k < 1 + random.nextInt(3); k++) beads.add(colour);
                        colour = (colour + 1 + random.nextInt(2)) % 3;
                    }
                    if (beads.get(beads.size() - 1) == first) beads.add((first + 1) % 3);
                    beads.add(first); // a colour that comes back: totals per colour are not runs
                    List<String> runs = new ArrayList<>();
                    for (int i = 0; i < beads.size(); ) {
                        int j = i;
                        while (j < beads.size() && beads.get(j).equals(beads.get(i))) j++;
                        runs.add("(" + beads.get(i) + ", " + (j - i) + ")");
                        i = j;
                    }
                    return "assert solution(" + beads + ") == [" + String.join(", ", runs) + "]";
                }),
                new Template("maze", """
                        def solution(maze: list[list[int]]) -> int:
                            \"""The fewest steps from the top-left cell to the bottom-right one through open cells (0); -1 when walled off.\"""
                        """, """
                        def solution(maze):
                            from collections import deque
                            rows, cols = len(maze), len(maze[0])
                            if maze[0][0] or maze[rows - 1][cols - 1]:
                                return -1
                            steps = {(0, 0): 0}
                            queue = deque([(0, 0)])
                            while queue:
                                r, c = queue.popleft()
                                if (r, c) == (rows - 1, cols - 1):
                                    return steps[(r, c)]
                                for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                                    nr, nc = r + dr, c + dc
                                    if 0 <= nr < rows and 0 <= nc < cols and not maze[nr][nc] and (nr, nc) not in steps:
                                        steps[(nr, nc)] = steps[(r, c)] + 1
                                        queue.append((nr, nc))
                            return -1
                        """, """
                        def solution(maze):
                            return len(maze) + len(maze[0]) - 2
                        """, (random, index) -> {
                    int[][] maze = grid(random, 4 + random.nextInt(3), 4 + random.nextInt(3), 2);
                    for (int[] row : maze) for (int c = 0; c < row.length; c++) if (random.nextInt(3) > 0) row[c] = 0;
                    maze[0][0] = 0;
                    maze[maze.length - 1][maze[0].length - 1] = 0;
                    if (index == 0) maze[maze.length - 1][maze[0].length - 2] = maze[maze.length - 2][maze[0].length - 1] = 1; // walled off
                    return "assert solution(" + py(maze) + ") == " + maze(maze);
                }),
                new Template("clock", """
                        def solution(hour: int, minute: int) -> float:
                            \"""The smaller angle in degrees between the hands of the clock face shown.\"""
                        """, """
                        def solution(hour, minute):
                            import math
                            angle = math.fabs((hour % 12) * 30 + minute / 2 - minute * 6)
                            return min(angle, 360 - angle)
                        """, """
                        def solution(hour, minute):
                            return abs((hour % 12) * 30 - minute * 6)
                        """, (random, index) -> {
                    int hour = random.nextInt(24);
                    int minute = 1 + 2 * random.nextInt(29);
                    double angle = Math.abs((hour % 12) * 30 + minute / 2.0 - minute * 6);
                    return "assert solution(" + hour + ", " + minute + ") == " + Math.min(angle, 360 - angle);
                }));
    }

    private static int[][] grid(Random random, int rows, int cols, int bound) {
        int[][] grid = new int[rows][cols];
        for (int[] row : grid) for (int c = 0; c < cols; c++) row[c] = random.nextInt(bound);
        return grid;
    }

    private static String py(int[][] grid) {
        List<String> rows = new ArrayList<>();
        for (int[] row : grid) rows.add(IntStream.of(row).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]")));
        return String.join(", ", rows).transform(s -> "[" + s + "]");
    }

    private static int[][] rotate(int[][] grid) {
        int[][] turned = new int[grid[0].length][grid.length];
        for (int r = 0; r < grid.length; r++) for (int c = 0; c < grid[0].length; c++) turned[c][grid.length - 1 - r] = grid[r][c];
        return turned;
    }

    private static int islands(int[][] grid) {
        boolean[][] seen = new boolean[grid.length][grid[0].length];
        int regions = 0;
        for (int r = 0; r < grid.length; r++) {
            for (int c = 0; c < grid[0].length; c++) {
                if (grid[r][c] != 1 || seen[r][c]) continue;
                regions++;
                ArrayDeque<int[]> queue = new ArrayDeque<>();
                queue.add(new int[] {r, c});
                seen[r][c] = true;
                while (!queue.isEmpty()) {
                    int[] at = queue.poll();
                    for (int[] d : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                        int y = at[0] + d[0];
                        int x = at[1] + d[1];
                        if (y >= 0 && y < grid.length && x >= 0 && x < grid[0].length && grid[y][x] == 1 && !seen[y][x]) {
                            seen[y][x] = true;
                            queue.add(new int[] {y, x});
                        }
                    }
                }
            }
        }
        return regions;
    }

    private static int maze(int[][] maze) {
        int rows = maze.length;
        int cols = maze[0].length;
        int[][] steps = new int[rows][cols];
        for (int[] row : steps) java.util.Arrays.fill(row, -1);
        steps[0][0] = 0;
        ArrayDeque<int[]> queue = new ArrayDeque<>();
        queue.add(new int[] {0, 0});
        while (!queue.isEmpty()) {
            int[] at = queue.poll();
            for (int[] d : new int[][] {{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                int r = at[0] + d[0];
                int c = at[1] + d[1];
                if (r >= 0 && r < rows && c >= 0 && c < cols && maze[r][c] == 0 && steps[r][c] < 0) {
                    steps[r][c] = steps[at[0]][at[1]] + 1;
                    queue.add(new int[] {r, c});
                }
            }
        }
        return steps[rows - 1][cols - 1];
    }
}
