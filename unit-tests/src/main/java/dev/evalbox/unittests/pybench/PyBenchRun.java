package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.loop.AgentLoop;
import dev.evalbox.agentloop.loop.AgentOutcome;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.sandbox.FileEntry;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs PyBench tasks through the agent loop and grades each as it ends. Each task gets a fresh
 * pooled sandbox whose work dir holds data/ (only that task's inputs) and an empty output/; afterwards
 * output/ is collected into artifacts/&lt;index&gt;/ and into the run's output/ (PyBench's layout, which its
 * tests read). The run directory gets trajectories.jsonl (evalbox's events), pybench_trajectory.jsonl
 * (PyBench's format, for its own scripts) and results.jsonl, each appended and flushed per task.
 */
public final class PyBenchRun {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_FILE_BYTES = 64L << 20;
    private static final long MAX_TASK_BYTES = 256L << 20;
    private static final int MAX_FILES = 2000;

    /** What happened to one task. */
    public record TaskReport(PyBenchTask task, AgentOutcome outcome, GradeResult grade, List<String> notes) { }

    private final PyBenchTasks tasks;
    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final AgentLoop loop;
    private final Function<PyBenchTask, ChatModel> models;
    private final String systemPrompt;
    private final PyBenchGrader grader;
    private final RunDirectory run;
    private final TrajectoryWriter trajectories;
    private final BufferedWriter pybenchTrajectory;

    public PyBenchRun(PyBenchTasks tasks, SandboxPool pool, SandboxSpec spec, AgentLoop loop, Function<PyBenchTask, ChatModel> models,
                      String systemPrompt, PyBenchGrader grader, RunDirectory run) {
        this.tasks = tasks;
        this.pool = pool;
        this.spec = spec;
        this.loop = loop;
        this.models = models;
        this.systemPrompt = systemPrompt;
        this.grader = grader;
        this.run = run;
        this.trajectories = new TrajectoryWriter(run.path().resolve("trajectories.jsonl"));
        try {
            Files.createDirectories(outputDir());
            this.pybenchTrajectory = Files.newBufferedWriter(run.path().resolve("pybench_trajectory.jsonl"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the run directory " + run.path(), e);
        }
    }

    /** The run's merged output folder, laid out as PyBench's ./output. */
    public Path outputDir() { return run.path().resolve("output"); }

    public List<TaskReport> run(List<PyBenchTask> selected, int concurrency, Consumer<TaskReport> onDone) {
        List<TaskReport> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        Workers.run(selected, concurrency, () -> grader == null ? null : grader.openSession(tasks, outputDir()), (session, task) -> {
            TaskReport report = runTask(task, session);
            reports.add(report);
            onDone.accept(report);
        });
        return List.copyOf(reports);
    }

    private TaskReport runTask(PyBenchTask task, PyBenchGrader.Session session) {
        List<String> notes = new ArrayList<>();
        AgentOutcome outcome;
        try (Sandbox sandbox = pool.acquire(spec)) {
            notes.addAll(tasks.prepareSandbox(task, sandbox));
            ChatModel model = models.apply(task);
            outcome = loop.run(task.index(), "pybench", PyBenchProtocol.opening(task, systemPrompt), model, sandbox, trajectories);
            collectOutputs(sandbox, task, notes);
        }
        ArrayNode messages = TrajectoryEvent.messagesJson(outcome.messages());
        exportPyBenchLine(task, messages);
        GradeResult grade = session == null ? null : session.grade(task.index(), messages, outcome.turns());
        run.appendResult(resultJson(task, outcome, grade, notes));
        return new TaskReport(task, outcome, grade, notes);
    }

    /** Copies output/ out of the sandbox, with caps so that hostile output cannot exhaust the host. */
    private void collectOutputs(Sandbox sandbox, PyBenchTask task, List<String> notes) {
        Path artifacts = run.path().resolve("artifacts").resolve(task.index());
        long[] budget = {MAX_TASK_BYTES};
        int[] files = {0};
        collectDirectory(sandbox, "output", artifacts, outputDir(), budget, files, notes);
    }

    private void collectDirectory(Sandbox sandbox, String dir, Path artifactDir, Path mergedDir, long[] budget, int[] files,
                                  List<String> notes) {
        for (FileEntry entry : sandbox.list(dir)) {
            String path = dir + "/" + entry.name();
            if (entry.isDirectory()) {
                // Empty folders count too: some tests only check that ./output/<index>/ exists.
                createDirectories(artifactDir.resolve(entry.name()));
                createDirectories(mergedDir.resolve(entry.name()));
                collectDirectory(sandbox, path, artifactDir.resolve(entry.name()), mergedDir.resolve(entry.name()), budget, files, notes);
                continue;
            }
            if (entry.type() != FileEntry.Type.FILE) continue;
            if (++files[0] > MAX_FILES || entry.size() > MAX_FILE_BYTES || entry.size() > budget[0]) {
                notes.add("output " + path + " (" + entry.size() + " bytes) not collected: over evalbox's artifact limits");
                continue;
            }
            budget[0] -= entry.size();
            try {
                Files.createDirectories(artifactDir);
                Path artifact = artifactDir.resolve(entry.name());
                Files.write(artifact, sandbox.download(path));
                Files.createDirectories(mergedDir);
                Path merged = mergedDir.resolve(entry.name());
                Files.deleteIfExists(merged);
                try {
                    Files.createLink(merged, artifact);
                } catch (IOException | UnsupportedOperationException e) {
                    Files.copy(artifact, merged, StandardCopyOption.REPLACE_EXISTING);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot store the output " + path + " in " + run.path(), e);
            }
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private synchronized void exportPyBenchLine(PyBenchTask task, ArrayNode messages) {
        ObjectNode line = JSON.createObjectNode();
        line.set("messages", messages);
        line.put("index", task.index()).put("category1", task.category1()).put("category2", task.category2())
                .put("category3", task.category3()).put("user", task.user());
        ArrayNode paths = line.putArray("file_paths");
        task.filePaths().forEach(paths::add);
        ArrayNode attachments = line.putArray("attachments");
        task.attachments().forEach(attachments::add);
        try {
            pybenchTrajectory.write(line.toString());
            pybenchTrajectory.newLine();
            pybenchTrajectory.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to pybench_trajectory.jsonl", e);
        }
    }

    private static ObjectNode resultJson(PyBenchTask task, AgentOutcome outcome, GradeResult grade, List<String> notes) {
        ObjectNode line = RunDirectory.object();
        line.put("task_id", task.index());
        if (grade == null) {
            line.putNull("passed").put("reason", "not graded (no tests.py given)");
        } else {
            line.put("passed", grade.passed()).put("reason", grade.reason()).put("verdict", grade.verdict())
                    .put("exception_type", grade.exceptionType());
        }
        line.put("turns", outcome.turns()).put("stop_reason", outcome.stopReason().key())
                .put("prompt_tokens", outcome.usage().promptTokens()).put("completion_tokens", outcome.usage().completionTokens());
        if (outcome.error() != null) line.put("model_error", outcome.error());
        ArrayNode noteArray = line.putArray("notes");
        notes.forEach(noteArray::add);
        return line;
    }

    public void close() {
        trajectories.close();
        try {
            pybenchTrajectory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
