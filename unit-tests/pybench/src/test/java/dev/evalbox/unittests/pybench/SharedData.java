package dev.evalbox.unittests.pybench;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Locates ../shared/data (real benchmark files that are not redistributed); tests skip with a message without it. */
final class SharedData {
    private SharedData() { }

    static Path pybench() {
        String configured = System.getenv("EVALBOX_SHARED_DATA");
        if (configured != null) return Path.of(configured, "pybench");
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/data/pybench");
            if (Files.isDirectory(candidate)) return candidate;
        }
        return null;
    }

    static Path requirePybench() {
        Path dir = pybench();
        Assumptions.assumeTrue(dir != null && Files.isRegularFile(dir.resolve("data/meta/task.json")),
                "skipping: the PyBench data (../shared/data/pybench) is not on this machine");
        return dir;
    }
}
