package dev.evalbox.unittests.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.compare.ComparedRun;
import dev.evalbox.unittests.compare.Comparison;
import dev.evalbox.unittests.compare.PairComparison;
import dev.evalbox.unittests.compare.TaskAttempt;
import dev.evalbox.unittests.report.CompareReport;
import dev.evalbox.unittests.report.RunHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The data behind the viewer's pages, as the scripts the pages load: {@code evalbox.receive(name, json)}.
 * The server answers with them and the static bundle writes them to files, so one front end reads
 * both (a page opened from file:// may load scripts but not fetch JSON). Names are the paths the
 * pages ask for: data/runs.js, data/run/KEY.js, data/task/KEY/N.js.
 */
public final class ViewData {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RunFolder folder;
    private final java.util.concurrent.Executor indexer;

    /**
     * Data for the runs under {@code folder}. With an {@code indexer}, a run's trajectories.jsonl (the
     * large file, needed for the tasks' final answers and pages) is read on it, and a run's page is
     * answered without waiting; without one (the bundle), it is read before the run's data is made.
     */
    public ViewData(RunFolder folder, java.util.concurrent.Executor indexer) {
        this.folder = folder;
        this.indexer = indexer;
    }

    public ViewData(RunFolder folder) { this(folder, null); }

    /** Reads every run's files once, on the indexer, so that the first page asked for finds them read. */
    public void warmUp() {
        if (indexer == null) return;
        indexer.execute(() -> folder.scan().values().forEach(index -> {
            index.refresh(false);
            index.refreshTrajectories();
        }));
    }

    public RunFolder folder() { return folder; }

    /** The script that hands {@code payload} to the page under {@code name}. */
    public static String script(String name, JsonNode payload) {
        try {
            return "evalbox.receive(" + JSON.writeValueAsString(name) + "," + JSON.writeValueAsString(payload) + ");\n";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the data " + name, e);
        }
    }

    /** Every run of the folder, for the runs page. */
    public ObjectNode runs() {
        ObjectNode out = JSON.createObjectNode();
        ArrayNode list = out.putArray("runs");
        Map<String, RunIndex> runs = new TreeMap<>(folder.scan());
        runs.forEach((key, index) -> {
            index.refresh(false);
            list.add(runSummary(key, index));
        });
        return out;
    }

    private ObjectNode runSummary(String key, RunIndex index) {
        JsonNode run = index.run();
        RunHeader header = index.header();
        ObjectNode summary = JSON.createObjectNode();
        summary.put("key", key);
        summary.put("path", folder.relative(index));
        summary.put("benchmark", header.benchmark());
        summary.put("benchmark_title", header.benchmarkName());
        summary.put("model", header.model());
        summary.put("kind", run.path("kind").asText("run"));
        summary.put("status", run.path("status").asText(run.has("finished") ? "finished" : "unknown"));
        summary.put("started", header.date() == null ? null : header.date().toString());
        summary.put("finished", run.path("finished").asText(null));
        summary.put("done", index.taskCount());
        JsonNode total = run.path("dataset").path("tasks");
        if (total.isInt()) summary.put("total", total.asInt()); else summary.putNull("total");
        ObjectNode counts = summary.putObject("counts");
        Map<String, Integer> byStatus = new TreeMap<>(index.counts());
        byStatus.forEach((status, n) -> {
            if (n > 0) counts.put(status, n);
        });
        if (byStatus.getOrDefault("scored", 0) > 0) {
            double scoreSum = 0;
            int scored = 0;
            for (RowSummary row : index.latestRows()) {
                if (row.score() != null) {
                    scoreSum += row.score();
                    scored++;
                }
            }
            if (scored > 0) summary.put("mean_score", scoreSum / scored);
        }
        summary.set("metrics", headline(run.path("metrics")));
        return summary;
    }

    /**
     * The run's headline metrics as name: number (a {passed, total, percent} breakdown by its percent), or
     * {value, interval: [low, high]} where the run's {@code uncertainty} gives the metric its 95% interval.
     */
    public static ObjectNode headline(JsonNode metrics) {
        ObjectNode out = JSON.createObjectNode();
        JsonNode uncertainty = metrics.path("uncertainty").path("metrics");
        metrics.fields().forEachRemaining(entry -> {
            JsonNode value = entry.getValue();
            String pointer = "/" + entry.getKey().replace("~", "~0").replace("/", "~1");
            if (value.isNumber()) out.set(entry.getKey(), withInterval(value, uncertainty.path(pointer)));
            else if (value.path("percent").isNumber()) out.set(entry.getKey(), withInterval(value.get("percent"), uncertainty.path(pointer + "/percent")));
            else if (value.path("value").isNumber()) out.set(entry.getKey(), value);
        });
        return out;
    }

    private static JsonNode withInterval(JsonNode value, JsonNode estimate) {
        if (!estimate.path("ci_low").isNumber() || !estimate.path("ci_high").isNumber()) return value;
        ObjectNode shown = JSON.createObjectNode().set("value", value);
        shown.putArray("interval").add(estimate.get("ci_low")).add(estimate.get("ci_high"));
        return shown;
    }

    /**
     * The script of one run (data/run/KEY.js): its summary, and its results.jsonl lines from line
     * {@code from} on (all with 0) as arrays [task number, id, sample, status, category, difficulty,
     * reason, answer, score, turns, epoch]: with --epochs a line per attempt; null for an unknown key. The rows are streamed into the bytes,
     * not built as a tree first: a run of 20,000 tasks is a 2 MB answer.
     */
    public byte[] runScript(String name, String key, int from) {
        RunIndex index = folder.run(key);
        if (index == null) return null;
        if (indexer == null) {
            index.refresh(true);
        } else {
            index.refresh(false);
            indexer.execute(index::refreshTrajectories); // the first time the whole file, later what it gained
        }
        ObjectNode summary = runSummary(key, index);
        summary.put("dir", index.dir().toString());
        summary.set("metrics_full", index.run().path("metrics"));
        // the cards and charts, as the notebook's run view shows them too
        summary.put("summary_html", RunSummaryHtml.html(index.latestRows(), summary.path("metrics")));
        // until trajectories.jsonl is read, rows carry no final answers; the page asks again for all rows once it is
        summary.put("answers_ready", index.trajectoriesIndexed());
        if (from <= 0) {
            // a page opening the run asks for every row: the rows' part of the answer is kept while the run does not change
            String state = index.lineCount() + "/" + index.trajectoriesIndexed() + "/" + summary.toString().hashCode() + "/" + name;
            CachedScript cached = scripts.get(key);
            if (cached != null && cached.state().equals(state)) return cached.bytes();
            byte[] bytes = encodeRun(name, key, index, summary, from);
            scripts.put(key, new CachedScript(state, bytes));
            return bytes;
        }
        return encodeRun(name, key, index, summary, from);
    }

    private record CachedScript(String state, byte[] bytes) { }

    private final Map<String, CachedScript> scripts = new java.util.concurrent.ConcurrentHashMap<>();

    private byte[] encodeRun(String name, String key, RunIndex index, ObjectNode summary, int from) {
        List<RowSummary> rows = index.rowsFrom(from);
        summary.put("from", rows.isEmpty() ? Math.max(0, Math.min(from, index.lineCount())) : Math.max(0, from));
        summary.put("lines", index.lineCount());
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256 + rows.size() * 160);
        try (com.fasterxml.jackson.core.JsonGenerator json = JSON.getFactory().createGenerator(bytes)) {
            json.writeRaw("evalbox.receive(");
            json.writeString(name);
            json.writeRaw(",");
            json.writeStartObject();
            for (var field = summary.fields(); field.hasNext(); ) {
                var entry = field.next();
                json.writeFieldName(entry.getKey());
                JSON.writeTree(json, entry.getValue());
            }
            json.writeArrayFieldStart("rows");
            for (RowSummary row : rows) {
                json.writeStartArray();
                json.writeNumber(index.taskNumber(row.taskId()));
                json.writeString(row.taskId());
                json.writeNumber(row.sample());
                json.writeString(row.status());
                json.writeString(row.category());
                json.writeString(row.difficulty());
                json.writeString(row.reason());
                json.writeString(row.answer() != null ? row.answer() : index.finalAnswer(row.taskId(), row.epoch()));
                if (row.score() == null) json.writeNull(); else json.writeNumber(row.score());
                if (row.turns() == null) json.writeNull(); else json.writeNumber(row.turns());
                json.writeNumber(row.epoch());
                json.writeEndArray();
            }
            json.writeEndArray();
            json.writeEndObject();
            json.writeRaw(");\n");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the data of run " + key, e);
        }
        return bytes.toByteArray();
    }

    /** One task's page by its number in the run; null for an unknown run or task. */
    public ObjectNode task(String key, int number, java.util.function.Function<String, String> link) {
        RunIndex index = folder.run(key);
        if (index == null) return null;
        index.refresh(true);
        String taskId = index.taskId(number);
        if (taskId == null) return null;
        ObjectNode out = JSON.createObjectNode();
        out.put("key", key);
        out.put("number", number);
        out.put("task_id", taskId);
        out.put("run_path", folder.relative(index));
        out.put("run_title", index.header().benchmarkName() + " · " + index.header().model());
        // the failed tasks around this one, for the page's keys: the page does not load the whole run for them
        int previous = -1;
        int next = -1;
        for (RowSummary row : index.latestRows()) {
            if (!row.status().equals("failed") && !row.status().equals("error")) continue;
            int n = index.taskNumber(row.taskId());
            if (n < number && n > previous) previous = n;
            if (n > number && (next < 0 || n < next)) next = n;
        }
        if (previous >= 0) out.put("previous_failed", previous); else out.putNull("previous_failed");
        if (next >= 0) out.put("next_failed", next); else out.putNull("next_failed");
        String command = "%sandbox open --task " + shellWord(taskId) + " --run " + shellWord(index.dir().toString());
        out.put("html", new TaskTranscript(taskId, index.rowsOf(taskId), index.eventsOf(taskId), files(index.dir(), taskId), link, command).html());
        return out;
    }

    /**
     * Two runs of one benchmark compared as {@code evalbox compare} compares them: the same page content
     * ({@code html}, rendered by {@link CompareReport}, with its links to this viewer's pages: a run to its page,
     * a flipped task to the two transcripts side by side, with --epochs each attempt to its epoch in them), the
     * same numbers ({@code pair}, {@link PairComparison#json()}), both runs' titles and, for each flipped task,
     * its number in each run ({@code numbers}). Null for an unknown run.
     */
    public ObjectNode compare(String keyA, String keyB) {
        RunIndex a = folder.run(keyA);
        RunIndex b = folder.run(keyB);
        if (a == null || b == null) return null;
        a.refresh(false);
        b.refresh(false);
        ObjectNode out = JSON.createObjectNode().put("a_key", keyA).put("b_key", keyB)
                .put("a_title", folder.relative(a) + " · " + a.header().model()).put("b_title", folder.relative(b) + " · " + b.header().model());
        Comparison comparison;
        try {
            comparison = Comparison.of(List.of(a.dir(), b.dir()));
        } catch (RuntimeException e) {
            return out.put("error", "cannot compare these runs: " + e.getMessage());
        }
        if (comparison.pairs().isEmpty()) return out.put("error", "these runs are of different benchmarks: they are compared in a table, by `evalbox compare`");
        PairComparison compared = comparison.pairs().get(0);
        ObjectNode pair = compared.json();
        out.set("pair", pair);
        ObjectNode numbers = out.putObject("numbers");
        for (JsonNode task : pair.path("flipped")) {
            numbers.putArray(task.asText()).add(a.taskNumber(task.asText())).add(b.taskNumber(task.asText()));
        }
        out.put("html", new CompareReport(comparison).fragment(new ViewerLinks(keyA, keyB, compared)));
        return out;
    }

    /** The compare page's links, to this viewer's pages (hash routes of viewer.js). */
    private record ViewerLinks(String keyA, String keyB, PairComparison compared) implements CompareReport.Links {
        @Override
        public String run(ComparedRun run) { return "#/run/" + (isA(run) ? keyA : keyB); }

        @Override
        public String task(PairComparison pair, ComparedRun run, String task) {
            return "#/compare/" + keyA + "/" + keyB + "/task/" + compared.flipped().indexOf(task);
        }

        @Override
        public String attempt(PairComparison pair, ComparedRun run, String task, TaskAttempt attempt) {
            return task(pair, run, task) + "/" + (isA(run) ? "a" : "b") + "/" + attempt.epoch();
        }

        private boolean isA(ComparedRun run) { return run == compared.a() || run.path().equals(compared.a().path()); }
    }

    /** The files under artifacts/TASK of a run (regular files, symbolic links not followed), as run-relative paths. */
    public static List<TaskFile> files(Path runDir, String taskId) {
        if (taskId.isEmpty() || taskId.equals(".") || taskId.equals("..") || taskId.contains("/") || taskId.contains("\\") || taskId.indexOf('\0') >= 0) {
            return List.of(); // an id that is not one plain name cannot name a folder of the run
        }
        Path dir = runDir.resolve("artifacts").resolve(taskId);
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) return List.of();
        List<TaskFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path file : (Iterable<Path>) walk.sorted(Comparator.naturalOrder())::iterator) {
                if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                    files.add(new TaskFile(runDir.relativize(file).toString().replace('\\', '/'), Files.size(file)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the files of task " + taskId + " in " + runDir, e);
        }
        return files;
    }

    private static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./:@+-]+") ? word : "'" + word.replace("'", "'\"'\"'") + "'";
    }
}
