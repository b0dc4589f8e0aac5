package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * Grades ArtifactsBench answers: the page is extracted, rendered (screenshots into the run's
 * artifacts/&lt;task&gt;/) and judged; a task without a page is judged on its text alone. Each worker
 * keeps one browser for all its pages and renders several at once. With no judge, only rendering happens (render-only).
 */
public final class ArtifactsGrading {
    /**
     * The reason of a task the answers file has no line for; such a task is left out of the metrics (the reference
     * only sees the answers file) and graded when it gets an answer (a resumed run). A line whose answer is empty
     * is an answer: the reference judges it on its text alone, and so does evalbox.
     */
    public static final String NO_ANSWER = "no answer for this task";

    private final ArtifactRenderer.Settings renderSettings;
    private final ArtifactsJudge judge;
    private final RunDirectory run;

    public ArtifactsGrading(ArtifactRenderer.Settings renderSettings, ArtifactsJudge judge, RunDirectory run) {
        this.renderSettings = renderSettings;
        this.judge = judge;
        this.run = run;
    }

    /** One task with its answer ({@code null} when the answers file has no line for it). */
    public record Item(ArtifactsTask task, String answer) { }

    /**
     * Grades the items with {@code concurrency} workers, each with its own browser rendering up to the
     * settings' {@code pagesInFlight} pages at once; the judge is called on other threads (as many), so
     * the renderers never wait for it. Results are appended and reported as tasks finish.
     */
    public void grade(List<Item> items, int concurrency, Consumer<ObjectNode> onResult) {
        Queue<Item> queue = new ConcurrentLinkedQueue<>(items);
        try (Finishing finishing = new Finishing(judge == null ? 0 : Math.max(1, concurrency), result -> {
            run.appendResult(result);
            onResult.accept(result);
        })) {
            int workers = (int) Math.min(Math.max(1, concurrency), items.stream().filter(item -> page(item).isPresent()).count());
            if (workers == 0) {
                items.forEach(item -> finishing.submit(() -> finish(item, null)));
                return;
            }
            Workers.run(IntStream.range(0, workers).boxed().toList(), workers, () -> new ArtifactRenderer(renderSettings), (renderer, worker) -> {
                // each worker keeps taking tasks from the shared queue, several pages in flight in its browser;
                // a task without a page goes straight to its judge, in its turn
                Map<ArtifactRenderer.Job, Item> taken = new IdentityHashMap<>();
                renderer.renderAll(() -> {
                    for (Item item = queue.poll(); item != null; item = queue.poll()) {
                        Optional<ArtifactPage> page = page(item);
                        if (page.isEmpty()) {
                            Item textOnly = item;
                            finishing.submit(() -> finish(textOnly, null));
                            continue;
                        }
                        ArtifactRenderer.Job job = new ArtifactRenderer.Job(page.get().html(),
                                run.path().resolve("artifacts").resolve(item.task().index()), "page");
                        taken.put(job, item);
                        return job;
                    }
                    return null;
                }, (job, rendering) -> {
                    Item item = taken.remove(job);
                    finishing.submit(() -> finish(item, rendering));
                });
            });
        }
    }

    private static Optional<ArtifactPage> page(Item item) {
        return item.answer() == null ? Optional.empty() : ArtifactPage.of(item.answer());
    }

    /**
     * Turns renderings into result lines: on the caller's thread without a judge, else on a pool of judging
     * threads. Closing waits for every submitted task and rethrows the first failure.
     */
    private static final class Finishing implements AutoCloseable {
        private final ExecutorService pool;
        private final Consumer<ObjectNode> onResult;
        private final List<Future<?>> pending = Collections.synchronizedList(new ArrayList<>());

        Finishing(int threads, Consumer<ObjectNode> onResult) {
            this.onResult = onResult;
            this.pool = threads == 0 ? null : Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "evalbox-judge");
                t.setDaemon(true);
                return t;
            });
        }

        void submit(Supplier<ObjectNode> result) {
            if (pool == null) onResult.accept(result.get());
            else pending.add(pool.submit(() -> onResult.accept(result.get())));
        }

        @Override
        public void close() {
            try {
                Workers.await(List.copyOf(pending));
            } finally {
                if (pool != null) pool.shutdownNow();
            }
        }
    }

    /** The result line of a task: its rendering ({@code null} when it has no page) and, with a judge, its score. */
    private ObjectNode finish(Item item, ArtifactRenderer.Rendering rendering) {
        ArtifactsTask task = item.task();
        ObjectNode line = RunDirectory.object().put("task_id", task.index()).put("category", task.categoryPrefix())
                .put("difficulty", task.difficulty());
        if (item.answer() == null) {
            return line.putNull("score").put("reason", NO_ANSWER);
        }
        List<Path> screenshots = new ArrayList<>();
        if (rendering != null) {
            screenshots.addAll(rendering.screenshots());
            line.put("page_type", page(item).orElseThrow().type()).put("render_outcome", rendering.outcome()).put("render_error", rendering.error())
                    .put("render_note", rendering.note());
            ArrayNode shots = line.putArray("screenshots");
            rendering.screenshots().forEach(s -> shots.add(run.path().relativize(s).toString()));
            ArrayNode blocked = line.putArray("blocked_requests");
            rendering.blockedRequests().forEach(blocked::add);
            ArrayNode dialogs = line.putArray("dialogs");
            rendering.dialogs().forEach(dialogs::add);
            ArrayNode navigations = line.putArray("navigations");
            rendering.navigations().forEach(navigations::add);
        } else {
            line.put("page_type", "none").put("render_outcome", "nothing to render");
        }
        if (judge == null) return line.putNull("score").put("reason", "render only");
        ArtifactsJudge.Verdict verdict = judge.judge(task, item.answer(), screenshots);
        // judge_reply is what the reference keeps as the judge's reason (the reply after its last </think>), and
        // the whole reply is kept beside it
        line.put("judge_reply", verdict.reason()).put("judge_reply_full", verdict.reply()).put("judge_attempts", verdict.attempts());
        if (verdict.score().isPresent()) {
            line.put("score", verdict.score().get().value()).put("score_text", verdict.score().get().text()).put("reason", "");
        } else {
            line.putNull("score").put("reason", "unscored: " + verdict.error());
        }
        return line;
    }

    /** The tasks a run has graded (what --resume skips): every task with a result line, except those graded without an answer. */
    public static Set<String> graded(Collection<JsonNode> results) {
        Set<String> done = new HashSet<>();
        latestByTask(results).forEach(r -> {
            if (!NO_ANSWER.equals(r.path("reason").asText())) done.add(r.path("task_id").asText());
        });
        return done;
    }

    /** Each task's last result line: a resumed run appends a new line for a task that had no answer before. */
    public static Collection<JsonNode> latestByTask(Collection<JsonNode> results) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        results.forEach(r -> latest.put(r.path("task_id").asText(), r));
        return latest.values();
    }

    /**
     * Mean score overall, by category prefix and by difficulty, over the answered tasks whose score parsed, as the
     * reference's average (unparsed scores are its error count, left out of the mean). Tasks without an answer
     * ({@code no_answer}) are counted apart and left out of everything else: the reference never sees them.
     */
    public static ObjectNode metrics(Collection<JsonNode> allResults) {
        Collection<JsonNode> results = latestByTask(allResults);
        ObjectNode metrics = RunDirectory.object();
        double sum = 0;
        int scored = 0;
        int unscored = 0;
        int noAnswer = 0;
        Map<String, double[]> byCategory = new TreeMap<>();
        Map<String, double[]> byDifficulty = new TreeMap<>();
        for (var r : results) {
            if (NO_ANSWER.equals(r.path("reason").asText())) {
                noAnswer++;
                continue;
            }
            if (r.path("score").isNull() || r.path("score").isMissingNode()) {
                unscored++;
                continue;
            }
            double score = r.path("score").asDouble();
            sum += score;
            scored++;
            add(byCategory, r.path("category").asText(), score);
            add(byDifficulty, r.path("difficulty").asText(), score);
        }
        metrics.put("mean_score", scored == 0 ? null : sum / scored).put("answered", scored + unscored).put("scored", scored)
                .put("unscored", unscored).put("no_answer", noAnswer);
        ObjectNode categories = metrics.putObject("by_category");
        byCategory.forEach((k, v) -> categories.putObject(k).put("mean_score", v[0] / v[1]).put("tasks", (int) v[1]));
        ObjectNode difficulties = metrics.putObject("by_difficulty");
        byDifficulty.forEach((k, v) -> difficulties.putObject(k).put("mean_score", v[0] / v[1]).put("tasks", (int) v[1]));
        return metrics;
    }

    private static void add(Map<String, double[]> map, String key, double score) {
        double[] v = map.computeIfAbsent(key, k -> new double[2]);
        v[0] += score;
        v[1]++;
    }
}
