package dev.evalbox.unittests.pybench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * evalbox's own sample tasks in PyBench's layout (task.json, inputs, unit tests, and a recorded
 * trajectory to replay), shipped in the jar so the demo and tests run without the real benchmark.
 */
public final class PyBenchSample {
    private PyBenchSample() { }

    /** Writes the sample checkout into {@code dir} and returns it; recorded_trajectory.jsonl sits at its root. */
    public static Path extract(Path dir) {
        try (InputStream index = resource("files.txt")) {
            for (String name : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (name.isBlank()) continue;
                Path target = dir.resolve(name.strip());
                Files.createDirectories(target.getParent());
                try (InputStream in = resource(name.strip())) {
                    Files.write(target, in.readAllBytes());
                }
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the PyBench sample into " + dir, e);
        }
    }

    private static InputStream resource(String name) {
        InputStream in = PyBenchSample.class.getResourceAsStream("sample/" + name);
        if (in == null) throw new IllegalStateException("sample/" + name + " is missing from the evalbox-unit-tests jar");
        return in;
    }
}
