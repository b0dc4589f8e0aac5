package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs Code Interpreter items: each in a fresh sandbox with its input files (from the upload folder)
 * in the work dir, the ReAct agent, then the metrics. The run directory gets trajectories.jsonl,
 * traces.jsonl (the benchmark's text per item, what re-grading reads), artifacts/&lt;task&gt;/fig-NNN.png
 * and results.jsonl, appended per item. The benchmark shares one kernel and folder across items;
 * evalbox isolates each (a deliberate deviation).
 */
public final class CodeInterpreterRun implements AutoCloseable {
    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final CodeInterpreterAgent agent;
    private final CodeInterpreterScore score;
    private final Path uploadDir;
    private final RunDirectory run;
    private final TrajectoryWriter trajectories;
    private final BufferedWriter traces;

    public CodeInterpreterRun(SandboxPool pool, SandboxSpec spec, CodeInterpreterAgent agent, CodeInterpreterScore score, Path uploadDir,
                              RunDirectory run) {
        this.pool = pool;
        this.spec = spec;
        this.agent = agent;
        this.score = score;
        this.uploadDir = uploadDir;
        this.run = run;
        this.trajectories = new TrajectoryWriter(run.path().resolve("trajectories.jsonl"));
        try {
            this.traces = Files.newBufferedWriter(run.path().resolve("traces.jsonl"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open traces.jsonl in " + run.path(), e);
        }
    }

    /** Runs the items with {@code concurrency} at once; each results line goes to {@code onResult} as it is written. */
    public void run(List<CodeInterpreterItem> items, int concurrency, Consumer<ObjectNode> onResult) {
        Workers.run(items, concurrency, item -> {
            ObjectNode result = runItem(item);
            run.appendResult(result);
            onResult.accept(result);
        });
    }

    private ObjectNode runItem(CodeInterpreterItem item) {
        Path figures = run.path().resolve("artifacts").resolve(item.taskId());
        List<String> uploadPaths = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        CodeInterpreterAgent.Outcome outcome;
        try (Sandbox sandbox = pool.acquire(spec)) {
            for (String base : item.record().inputBasenames()) {
                Path host = uploadDir == null ? null : uploadDir.resolve(base);
                if (host != null && Files.isRegularFile(host)) sandbox.upload(host, base);
                else notes.add("input " + base + " is not in the upload folder");
                uploadPaths.add(spec.workDir() + "/" + base);
            }
            int[] count = {0};
            outcome = agent.run(item.taskId(), item.record(), sandbox, uploadPaths, png -> {
                String name = String.format("fig-%03d.png", ++count[0]);
                try {
                    Files.createDirectories(figures);
                    Files.write(figures.resolve(name), png);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot save a figure into " + figures, e);
                }
                return "artifacts/" + item.taskId() + "/" + name;
            }, trajectories);
        }
        writeTrace(item, outcome);
        ObjectNode result = score.score(item.taskId(), item.record(), outcome.trace(), item.gold());
        result.put("executions", outcome.executions()).put("stop_reason", outcome.stopReason())
                .put("final_answer", outcome.finalAnswer());
        if (outcome.error() != null) result.put("model_error", outcome.error());
        var noteArray = result.putArray("notes");
        notes.forEach(noteArray::add);
        return result;
    }

    private synchronized void writeTrace(CodeInterpreterItem item, CodeInterpreterAgent.Outcome outcome) {
        ObjectNode line = RunDirectory.object();
        line.put("task_id", item.taskId()).put("line", item.record().line()).put("gold", item.gold()).put("trace", outcome.trace())
                .put("final_answer", outcome.finalAnswer()).put("executions", outcome.executions()).put("stop_reason", outcome.stopReason());
        try {
            traces.write(line.toString());
            traces.newLine();
            traces.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to traces.jsonl", e);
        }
    }

    @Override
    public void close() {
        trajectories.close();
        try {
            traces.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
