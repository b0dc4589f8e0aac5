package dev.evalbox.cli.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * A run directory written to the run record's format with no model and no sandbox: N tasks of T
 * turns each (a model reply, a cell with a figure, an observation), attempted E times (--epochs: a row
 * and events per attempt, each its own verdict), for `evalbox bench view` and the viewer's tests. Seeded, so the same arguments give the same run; {@link Counts} says what it holds.
 */
public final class GeneratedRun {
    public static final String[] CATEGORIES = {"data cleaning", "plotting", "statistics", "text mining", "machine learning", "file io"};
    public static final String[] DIFFICULTIES = {"easy", "medium", "hard"};
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How many rows (attempts) of each status, category and difficulty the run has. */
    public record Counts(int passed, int failed, int error, int[] byCategory, int[] byDifficulty) { }

    private GeneratedRun() { }

    public static Counts write(Path dir, int tasks, int turns) { return write(dir, tasks, turns, 1); }

    /** A run of {@code tasks} tasks each attempted {@code epochs} times, the attempts of a task one after another. */
    public static Counts write(Path dir, int tasks, int turns, int epochs) {
        try {
            Files.createDirectories(dir);
            String png = figure();
            Random random = new Random(42);
            int passed = 0;
            int failed = 0;
            int error = 0;
            int[] byCategory = new int[CATEGORIES.length];
            int[] byDifficulty = new int[DIFFICULTIES.length];
            Instant time = Instant.parse("2026-12-01T10:00:00Z");
            try (BufferedWriter results = Files.newBufferedWriter(dir.resolve("results.jsonl"), StandardCharsets.UTF_8);
                 BufferedWriter events = Files.newBufferedWriter(dir.resolve("trajectories.jsonl"), StandardCharsets.UTF_8)) {
                for (int t = 0; t < tasks; t++) {
                    String id = "g" + t;
                    int category = random.nextInt(CATEGORIES.length);
                    int difficulty = random.nextInt(DIFFICULTIES.length);
                    for (int epoch = 1; epoch <= epochs; epoch++) {
                        int roll = random.nextInt(10);
                        String status = roll < 6 ? "passed" : roll < 9 ? "failed" : "error";
                        final int attempt = epoch;
                        java.util.function.Function<ObjectNode, ObjectNode> tagged = node -> attempt > 1 ? node.put("epoch", attempt) : node;
                        ObjectNode started = tagged.apply(event("task_started", id, time));
                        started.put("benchmark", "pybench").put("model", "generated");
                        started.putArray("opening").addObject().put("role", "user").put("content", "Task " + id + ": analyse data/table_" + t + ".csv");
                        line(events, started);
                        for (int turn = 1; turn <= turns; turn++) {
                            time = time.plusMillis(350);
                            line(events, tagged.apply(event("model_request", id, time)).put("turn", turn).put("messages", 2 * turn));
                            ObjectNode response = tagged.apply(event("model_response", id, time)).put("turn", turn)
                                    .put("content", "Analyse: step " + turn + " of task " + id + ".\n```python\nimport pandas as pd\ndf = pd.read_csv('data/table_" + t
                                            + ".csv')\nprint(df.describe())\n```").put("latency_ms", 300 + random.nextInt(900)).put("attempts", 1).put("finish_reason", "stop");
                            response.putObject("usage").put("prompt_tokens", 400 * turn).put("completion_tokens", 60);
                            line(events, response);
                            ObjectNode cell = tagged.apply(event("code_execution", id, time)).put("turn", turn)
                                    .put("code", "import pandas as pd\ndf = pd.read_csv('data/table_" + t + ".csv')\nprint(df.describe())")
                                    .put("status", "ok").put("duration_ms", 20 + random.nextInt(200)).put("state_lost", false);
                            ArrayNode outputs = cell.putArray("outputs");
                            outputs.addObject().put("output_type", "stream").put("name", "stdout").put("text", "count 100\nmean 4.2\n");
                            outputs.addObject().put("output_type", "display_data").putObject("data").put("image/png", png).put("text/plain", "<Figure>");
                            line(events, cell);
                            line(events, tagged.apply(event("observation", id, time)).put("turn", turn).put("role", "user").put("content", "count 100\nmean 4.2"));
                        }
                        ObjectNode finished = tagged.apply(event("task_finished", id, time)).put("stop_reason", "no_code").put("turns", turns)
                                .put("final_answer", "Finished: the mean of table " + t + " is 4.2" + (epoch > 1 ? " (epoch " + epoch + ")" : ""));
                        finished.putObject("usage").put("prompt_tokens", 400 * turns).put("completion_tokens", 60 * turns);
                        line(events, finished);
                        ObjectNode row = JSON.createObjectNode().put("task_id", id).put("epoch", epoch).put("sample", 0);
                        if (status.equals("passed")) row.put("passed", true).put("reason", "");
                        else if (status.equals("failed")) row.put("passed", false).put("reason", "AssertionError: output/" + t + ".csv differs in row " + (t % 7));
                        else row.put("passed", false).put("reason", "the model call failed: HTTP 500").put("stop_reason", "model_error");
                        row.put("category", CATEGORIES[category]).put("difficulty", DIFFICULTIES[difficulty]).put("turns", turns);
                        line(results, row);
                        if (status.equals("passed")) passed++;
                        else if (status.equals("failed")) failed++;
                        else error++;
                        byCategory[category]++;
                        byDifficulty[difficulty]++;
                    }
                }
            }
            ObjectNode run = JSON.createObjectNode().put("schema_version", 1).put("kind", "run").put("benchmark", "pybench")
                    .put("status", "finished").put("started", "2026-12-01T10:00:00Z").put("finished", time.toString());
            run.putObject("dataset").put("path", "generated").put("tasks", tasks);
            run.putObject("model").put("name", "generated").putNull("base_url").putObject("sampling");
            run.putObject("metrics").put("tasks", tasks).put("passed", passed).put("pass_rate", 100.0 * passed / tasks);
            Files.writeString(dir.resolve("run.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(run));
            return new Counts(passed, failed, error, byCategory, byDifficulty);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated run in " + dir, e);
        }
    }

    private static ObjectNode event(String type, String task, Instant time) {
        return JSON.createObjectNode().put("type", type).put("task_id", task).put("time", time.toString());
    }

    private static void line(BufferedWriter out, ObjectNode node) throws IOException {
        out.write(JSON.writeValueAsString(node));
        out.write('\n');
    }

    /** A small chart-like PNG, base64 as a cell's display_data carries it. */
    private static String figure() throws IOException {
        BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 64; x++) {
            for (int y = 0; y < 48; y++) image.setRGB(x, y, y > 40 - (x * 37 % 30) ? 0x3b82f6 : 0xffffff);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
