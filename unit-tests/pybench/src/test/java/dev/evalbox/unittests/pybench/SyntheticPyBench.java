package dev.evalbox.unittests.pybench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small PyBench-shaped checkout written by the tests themselves (evalbox's own tasks and tests). */
final class SyntheticPyBench {
    private SyntheticPyBench() { }

    static Path write(Path root, String tasksJson, String testsPy) throws IOException {
        Files.createDirectories(root.resolve("data/meta"));
        Files.createDirectories(root.resolve("data/unit_test"));
        Files.writeString(root.resolve("data/meta/task.json"), tasksJson);
        Files.writeString(root.resolve("data/unit_test/tests.py"), testsPy);
        return root;
    }

    static String task(String index, String category) {
        return "{\"index\": \"" + index + "\", \"category1\": \"" + category + "\", \"category2\": \"c2\", \"category3\": \"c3\","
                + " \"user\": \"Do task " + index + ", save to ./output/" + index + ".txt\", \"file_paths\": [\"./data/in.csv\"],"
                + " \"attachments\": [\"in\"]}";
    }
}
