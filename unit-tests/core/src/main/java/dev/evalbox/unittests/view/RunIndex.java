package dev.evalbox.unittests.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.unittests.report.RunHeader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An index of one run directory that never holds the run itself: a short summary of every
 * results.jsonl line, and the byte spans of every task's trajectories.jsonl events, so that a
 * task's rows and events are read back from disk when asked for. {@link #refresh} reads only what
 * the files gained since the last call, so a run being written is followed by polling.
 */
public final class RunIndex {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HEAD = 512;
    private static final byte[] TASK_ID = "\"task_id\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] FINISHED = "{\"type\":\"task_finished\"".getBytes(StandardCharsets.UTF_8);

    private final Path dir;
    private final List<RowSummary> rows = new ArrayList<>();
    private final Map<String, Integer> taskNumbers = new LinkedHashMap<>();
    private final List<String> taskIds = new ArrayList<>();
    private final Map<String, RowSummary> latest = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    // trajectories.jsonl is by far the largest file: it is indexed under its own lock, so that the rows
    // and the runs page are answered while it is being read
    private final Object trajectoryLock = new Object();
    private final Map<String, LineSpans> events = new ConcurrentHashMap<>();
    private final Map<String, String> finalAnswers = new ConcurrentHashMap<>();
    private volatile boolean trajectoriesIndexed;
    private long resultsEnd;
    private long trajectoriesEnd;
    private JsonNode run = JSON.createObjectNode();
    private long runModified = -1;
    private RunHeader header;

    public RunIndex(Path dir) { this.dir = dir; }

    public Path dir() { return dir; }

    /** Whether {@code dir} holds a run: a run.json or a results.jsonl. */
    public static boolean isRun(Path dir) {
        return Files.isRegularFile(dir.resolve("run.json")) || Files.isRegularFile(dir.resolve("results.jsonl"));
    }

    /** Reads what run.json, results.jsonl and (when {@code trajectories}) trajectories.jsonl gained since the last call. */
    public void refresh(boolean trajectories) {
        refreshRows();
        if (trajectories) refreshTrajectories();
    }

    /** Reads what trajectories.jsonl gained; the first call reads it whole. */
    public void refreshTrajectories() {
        synchronized (trajectoryLock) {
            try {
                trajectoriesEnd = scanTrajectories(trajectoriesEnd);
                trajectoriesIndexed = true;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the events of the run in " + dir, e);
            }
        }
    }

    /** Whether trajectories.jsonl has been read once (the tasks' final answers are known). */
    public boolean trajectoriesIndexed() { return trajectoriesIndexed; }

    private synchronized void refreshRows() {
        try {
            Path runFile = dir.resolve("run.json");
            long modified = Files.isRegularFile(runFile) ? Files.getLastModifiedTime(runFile).toMillis() ^ Files.size(runFile) : 0;
            if (modified != runModified || header == null) {
                run = readRun(runFile);
                runModified = modified;
                header = RunHeader.of(dir, run);
            }
            resultsEnd = scan(dir.resolve("results.jsonl"), resultsEnd, Integer.MAX_VALUE, (offset, length, line) -> {
                JsonNode row;
                try {
                    row = JSON.readTree(line);
                } catch (IOException e) {
                    return; // not JSON: a line a crash cut short and resume has not yet mended
                }
                if (!row.hasNonNull("task_id")) return;
                RowSummary summary = RowSummary.of(row, offset, length);
                rows.add(summary);
                // an attempt is a (task, epoch, sample): a later line of it (a re-grade) replaces the earlier
                RowSummary replaced = latest.put(summary.taskId() + "\u0000" + summary.epoch() + "\u0000" + summary.sample(), summary);
                if (replaced != null) counts.merge(replaced.status(), -1, Integer::sum);
                counts.merge(summary.status(), 1, Integer::sum);
                taskNumbers.computeIfAbsent(summary.taskId(), id -> {
                    taskIds.add(id);
                    return taskIds.size() - 1;
                });
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run in " + dir, e);
        }
    }

    private long scanTrajectories(long from) throws IOException {
        Path file = dir.resolve("trajectories.jsonl");
        if (!Files.isRegularFile(file)) return from;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return LineScanner.scan(channel, from, HEAD, (offset, length, head) -> {
                String task = taskId(head);
                JsonNode event = null;
                if (task == null || startsWith(head, FINISHED)) {
                    try {
                        event = JSON.readTree(LineScanner.read(channel, offset, length));
                    } catch (IOException e) {
                        return;
                    }
                    task = event.path("task_id").asText(null);
                }
                if (task == null) return;
                events.computeIfAbsent(task, t -> new LineSpans()).add(offset, length);
                if (event != null && "task_finished".equals(event.path("type").asText()) && event.path("final_answer").isTextual()) {
                    finalAnswers.put(attempt(task, event.path("epoch").asInt(1)), RowSummary.snippet(event.get("final_answer").asText()));
                }
            });
        }
    }

    private interface TextLine {
        void line(long offset, int length, String text) throws IOException;
    }

    private static long scan(Path file, long from, int head, TextLine handler) throws IOException {
        if (!Files.isRegularFile(file)) return from;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return LineScanner.scan(channel, from, head, (offset, length, bytes) ->
                    handler.line(offset, length, bytes.length == length ? new String(bytes, StandardCharsets.UTF_8)
                            : LineScanner.read(channel, offset, length)));
        }
    }

    /** The task id of an event from its first bytes, without parsing it; null when it is not plainly there. */
    static String taskId(byte[] head) {
        outer:
        for (int i = 0; i + TASK_ID.length <= head.length; i++) {
            for (int j = 0; j < TASK_ID.length; j++) {
                if (head[i + j] != TASK_ID[j]) continue outer;
            }
            int start = i + TASK_ID.length;
            for (int k = start; k < head.length; k++) {
                if (head[k] == '\\') return null; // an escaped id: let the JSON parser read it
                if (head[k] == '"') return new String(head, start, k - start, StandardCharsets.UTF_8);
            }
            return null;
        }
        return null;
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        if (head.length < prefix.length) return false;
        for (int i = 0; i < prefix.length; i++) if (head[i] != prefix[i]) return false;
        return true;
    }

    private static JsonNode readRun(Path file) {
        try {
            return Files.isRegularFile(file) ? JSON.readTree(file.toFile()) : JSON.createObjectNode();
        } catch (NoSuchFileException e) {
            return JSON.createObjectNode();
        } catch (IOException e) {
            // run.json is rewritten at the end of a run: a read in between sees it cut; the next refresh reads it whole
            return JSON.createObjectNode().put("unreadable", e.getMessage());
        }
    }

    public synchronized JsonNode run() { return run; }

    public synchronized RunHeader header() { return header; }

    /** The summaries of results.jsonl lines from line {@code from} on, in file order (a later line of a task, epoch and sample replaces an earlier one). */
    public synchronized List<RowSummary> rowsFrom(int from) {
        return from >= rows.size() ? List.of() : List.copyOf(rows.subList(Math.max(0, from), rows.size()));
    }

    public synchronized int lineCount() { return rows.size(); }

    /** The latest row of each attempt (task, epoch and sample), in the order they first appeared. */
    public synchronized List<RowSummary> latestRows() { return List.copyOf(latest.values()); }

    /** How many latest rows have each status. */
    public synchronized Map<String, Integer> counts() { return Map.copyOf(counts); }

    /** Distinct tasks with a row. */
    public synchronized int taskCount() { return taskIds.size(); }

    /** The task's number: its place in the order tasks first got a row; -1 when it has none. */
    public synchronized int taskNumber(String taskId) { return taskNumbers.getOrDefault(taskId, -1); }

    /** The task of a number, or null. */
    public synchronized String taskId(int number) { return number >= 0 && number < taskIds.size() ? taskIds.get(number) : null; }

    /** The final answer of the task's attempt in {@code epoch} (each epoch's task_finished says its own). */
    public String finalAnswer(String taskId, int epoch) { return finalAnswers.get(attempt(taskId, epoch)); }

    private static String attempt(String taskId, int epoch) { return taskId + "\u0000" + epoch; }

    /** The latest row of each (task, sample) of the task, read from disk. */
    public List<JsonNode> rowsOf(String taskId) {
        List<RowSummary> spans;
        synchronized (this) {
            // each attempt's last row: per epoch (--epochs) and sample (HumanEval-V), in the order the run wrote them
            Map<String, RowSummary> latest = new LinkedHashMap<>();
            for (RowSummary row : rows) if (row.taskId().equals(taskId)) latest.put(row.epoch() + "/" + row.sample(), row);
            spans = new ArrayList<>(latest.values());
        }
        List<JsonNode> out = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(dir.resolve("results.jsonl"), StandardOpenOption.READ)) {
            for (RowSummary row : spans) out.add(JSON.readTree(LineScanner.read(channel, row.offset(), row.length())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rows of task " + taskId + " in " + dir, e);
        }
        return out;
    }

    /** The task's trajectories.jsonl events in the order they were written, read from disk. */
    public List<JsonNode> eventsOf(String taskId) {
        LineSpans spans = events.get(taskId);
        if (spans == null) return List.of();
        List<JsonNode> out = new ArrayList<>(spans.size());
        try (FileChannel channel = FileChannel.open(dir.resolve("trajectories.jsonl"), StandardOpenOption.READ)) {
            for (int i = 0; i < spans.size(); i++) {
                try {
                    out.add(JSON.readTree(LineScanner.read(channel, spans.offset(i), spans.length(i))));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    // a line cut by a crash: the transcript shows what is whole
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the events of task " + taskId + " in " + dir, e);
        }
        return out;
    }
}
