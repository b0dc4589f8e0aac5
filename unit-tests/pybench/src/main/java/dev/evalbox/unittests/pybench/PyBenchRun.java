package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.FileEntry;
import dev.evalbox.sandbox.Sandbox;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The files a PyBench run keeps beside evalbox's own records: each task's output/ collected into
 * artifacts/&lt;index&gt;/ and into the run's output/ (PyBench's layout, which its tests read), and
 * pybench_trajectory.jsonl (PyBench's format, for its own scripts), appended and flushed per task.
 */
public final class PyBenchRun implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_FILE_BYTES = 64L << 20;
    private static final long MAX_TASK_BYTES = 256L << 20;
    private static final int MAX_FILES = 2000;

    private final Path runDir;
    private final BufferedWriter pybenchTrajectory;

    public PyBenchRun(Path runDir) {
        this.runDir = runDir;
        try {
            Files.createDirectories(outputDir());
            this.pybenchTrajectory = Files.newBufferedWriter(runDir.resolve("pybench_trajectory.jsonl"), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the run directory " + runDir, e);
        }
    }

    /** The run's merged output folder, laid out as PyBench's ./output. */
    public Path outputDir() { return runDir.resolve("output"); }

    /** Copies output/ out of the sandbox into {@code artifacts} and the merged folder, with caps so that hostile output cannot exhaust the host. */
    public void collectOutputs(Sandbox sandbox, Path artifacts, List<String> notes) {
        long[] budget = {MAX_TASK_BYTES};
        int[] files = {0};
        collectDirectory(sandbox, "output", artifacts, outputDir(), budget, files, notes);
    }

    /**
     * Takes the files an earlier attempt of a task collected (its artifacts folder, {@code previous}) out of the
     * merged output folder, so that a later epoch's tests see only what its own attempt wrote. The epoch-N
     * folders of later attempts inside the first attempt's folder are not the first attempt's files.
     */
    public void forgetOutputs(Path previous) {
        if (!Files.isDirectory(previous)) return;
        try (var walk = Files.walk(previous)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = previous.relativize(file);
                if (relative.getNameCount() > 1 && relative.getName(0).toString().matches("epoch-\\d+")) continue;
                Files.deleteIfExists(outputDir().resolve(relative.toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear the earlier attempt's outputs of " + previous + " from " + outputDir(), e);
        }
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
                throw new UncheckedIOException("cannot store the output " + path + " in " + runDir, e);
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

    /** Appends the task's line in PyBench's trajectory format. */
    public synchronized void exportPyBenchLine(PyBenchTask task, ArrayNode messages) {
        exportPyBenchLine(task, messages, 1);
    }

    /** The line of one attempt; an attempt of epoch 2 or later says its epoch (PyBench's own readers ignore the field). */
    public synchronized void exportPyBenchLine(PyBenchTask task, ArrayNode messages, int epoch) {
        ObjectNode line = JSON.createObjectNode();
        line.set("messages", messages);
        line.put("index", task.index()).put("category1", task.category1()).put("category2", task.category2())
                .put("category3", task.category3()).put("user", task.user());
        if (epoch > 1) line.put("epoch", epoch);
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

    @Override
    public void close() {
        try {
            pybenchTrajectory.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
