package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.trajectory.JsonLines;
import dev.evalbox.unittests.RunDirectory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A run's traces.jsonl: per item the benchmark's single ReAct text (what the metrics read and what
 * {@code grade code-interpreter} re-scores), with the gold answer, final answer, executions and stop
 * reason. Appended and flushed per item; safe to share between the tasks of a run. With {@code --epochs}, a line
 * of epoch 2 or later carries {@code epoch}.
 */
public final class TraceFile implements AutoCloseable {
    public static final String NAME = "traces.jsonl";

    private final Path path;
    private final BufferedWriter out;

    public TraceFile(Path runDir) {
        this.path = runDir.resolve(NAME);
        try {
            this.out = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open " + path, e);
        }
    }

    /** The line of an item that ran now. */
    public static ObjectNode line(CodeInterpreterItem item, CodeInterpreterAgent.Outcome outcome) {
        return RunDirectory.object().put("task_id", item.taskId()).put("line", item.record().line()).put("gold", item.gold())
                .put("trace", outcome.trace()).put("final_answer", outcome.finalAnswer()).put("executions", outcome.executions())
                .put("stop_reason", outcome.stopReason().key());
    }

    /** Appends a line (one written now, or one carried over from the run a re-grade scores). */
    public synchronized void append(JsonNode line) {
        try {
            out.write(line.toString());
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + path, e);
        }
    }

    /**
     * The lines of a run's traces.jsonl by epoch (from 1; a line of a later epoch says its {@code epoch}), then by
     * task, in file order; where a resumed run traced an attempt twice the last line counts. Unreadable lines (a
     * torn last line) go to {@code problems}.
     */
    public static Map<Integer, Map<String, JsonNode>> readByEpoch(Path runDir, List<String> problems) {
        Map<Integer, Map<String, JsonNode>> byEpoch = new TreeMap<>();
        problems.addAll(JsonLines.read(runDir.resolve(NAME), (number, node) -> {
            if (!node.path("task_id").isTextual()) return "field \"task_id\" missing or not a string";
            Map<String, JsonNode> byTask = byEpoch.computeIfAbsent(node.path("epoch").asInt(1), e -> new LinkedHashMap<>());
            byTask.remove(node.get("task_id").asText());
            byTask.put(node.get("task_id").asText(), node);
            return null;
        }));
        return byEpoch;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + path, e);
        }
    }
}
