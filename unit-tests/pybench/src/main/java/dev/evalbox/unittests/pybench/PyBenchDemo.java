package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.DemoPart;
import dev.evalbox.unittests.eval.SandboxOptions;
import java.nio.file.Path;

/**
 * The PyBench part of {@code evalbox demo}: evalbox's own PyBench-format sample tasks, replayed from their
 * recorded trajectory through the agent loop (each task in a fresh sandbox) and graded by their unit tests.
 */
final class PyBenchDemo implements DemoPart {

    @Override
    public int run(Context context) {
        System.out.println("\n── PyBench sample: evalbox's own tasks replayed through the agent loop and graded by their unit tests");
        Path checkout = PyBenchSample.extract(context.dir().resolve("checkout"));
        Path sampleRun = context.dir().resolve("run");
        int tasks = PyBenchTasks.load(checkout).size();
        SandboxOptions options = context.sandbox();
        // the same path as `evalbox run pybench`, with the sample's recorded replies standing in for a model
        int exit = context.evalbox("run", "pybench", "--pybench-dir", checkout.toString(),
                "--model", "replay:" + checkout.resolve("recorded_trajectory.jsonl"), "--out", sampleRun.toString(),
                "--concurrency", "2", "--backend", options.backend(), "--image", options.image(), "--python", options.python(),
                "--timeout", Double.toString(options.timeoutSeconds()), "--memory", options.memory());
        int passed = 0;
        for (JsonNode row : RunDirectory.readResults(sampleRun)) {
            boolean pass = row.path("passed").asBoolean();
            if (pass) passed++;
            System.out.printf("  task %s  %-4s %d turns  %s%n", row.path("task_id").asText(), pass ? "pass" : "FAIL",
                    row.path("turns").asInt(), pass ? "" : row.path("reason").asText());
        }
        if (exit != 0) System.out.println("  the sample run did not finish (exit code " + exit + ")");
        System.out.printf("  %d of %d sample tasks passed%n", passed, tasks);
        return tasks - passed;
    }
}
