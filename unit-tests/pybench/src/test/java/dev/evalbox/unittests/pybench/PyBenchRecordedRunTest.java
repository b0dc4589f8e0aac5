package dev.evalbox.unittests.pybench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Output;
import dev.evalbox.unittests.eval.ActionReplay;
import dev.evalbox.unittests.replay.RecordedRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a replay reads of PyBench runs that have no trajectories.jsonl: PyBench's own trajectory format, found through the benchmark. */
class PyBenchRecordedRunTest {
    private static final String LINE = "{\"index\": \"7\", \"messages\": [{\"role\": \"user\", \"content\": \"sum it\"},"
            + " {\"role\": \"assistant\", \"content\": \"```python\\nprint(1 + 1)\\n```\"}, {\"role\": \"user\", \"content\": \"2\\n\"},"
            + " {\"role\": \"assistant\", \"content\": \"Finished: 2\"}]}\n";

    @Test
    void aBareTrajectoryFileInPyBenchsFormatIsAPyBenchRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("trajectory.jsonl"), LINE);
        List<String> warnings = new ArrayList<>();
        RecordedRun recorded = RecordedRun.load(file, warnings::add);
        assertEquals("pybench", recorded.benchmark().orElseThrow().name());
        assertEquals(4, recorded.byTask().get("7").size());
        assertTrue(recorded.verdicts().isEmpty() && warnings.isEmpty(), warnings.toString());
    }

    @Test
    void aRunDirectoryFromBeforeTrajectoriesJsonlIsReadThroughItsOwnFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("pybench_trajectory.jsonl"), LINE);
        Files.writeString(dir.resolve("results.jsonl"), "{\"task_id\": \"7\", \"passed\": true, \"reason\": \"\"}\n");
        Files.writeString(dir.resolve("run.json"), "{\"benchmark\": \"pybench\", \"pybench_dir\": \"/nowhere\"}");
        RecordedRun recorded = RecordedRun.load(dir, w -> { });
        assertEquals("pybench", recorded.benchmark().orElseThrow().name());
        assertTrue(recorded.verdicts().get("7").path("passed").asBoolean());
        // the recorded code and its observation, as action replay reads them
        List<ActionReplay.Action> actions = recorded.benchmark().get().actionReplay().orElseThrow()
                .actions("7", recorded.byTask().get("7"), List.of());
        assertEquals(1, actions.size());
        assertEquals(1, actions.get(0).turn());
        assertEquals("print(1 + 1)", actions.get(0).code().strip());
        assertEquals("2\n", actions.get(0).recordedObservation());
    }

    @Test
    void pyBenchsObservationOfAResultIsWhatItsConversationsHold() {
        ExecutionResult ok = new ExecutionResult(ExecutionStatus.OK, List.of(new Output.Stream("stdout", "2\n")), 1, Duration.ofMillis(1),
                false, 0, null);
        assertEquals(PyBenchProtocol.observation(ok), new PyBenchBenchmark().actionReplay().orElseThrow().observer("7").apply(ok));
    }
}
