package dev.evalbox.unittests.pybench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.evalbox.sandbox.DockerRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The acceptance, exact: grading two published PyBench runs (trajectory + output) in
 * Docker sandboxes gives, task by task, the verdicts of derived/replay_expected.tsv.
 */
@Tag("docker")
@Tag("shared-data")
class PublishedRunsAcceptanceTest {

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    @ParameterizedTest
    @CsvSource({"PyLlama3_abla_ultrachat, 84", "PyLlama3_3konly, 12"})
    void gradingAPublishedRunReproducesTheExpectedVerdicts(String run, int expectedPasses) throws IOException {
        Path pybench = SharedData.requirePybench();
        Map<String, String> expected = expectedVerdicts(pybench.resolve("derived/replay_expected.tsv"), run);
        PyBenchTasks tasks = PyBenchTasks.load(pybench);
        PyBenchTrajectoryFile trajectories = PyBenchTrajectoryFile.read(pybench.resolve("published_runs/" + run + "/trajectory.jsonl"));
        List<GradeResult> results;
        try (DockerSandboxProvider docker = new DockerSandboxProvider(); SandboxPool pool = new SandboxPool(docker, 0, 2)) {
            PyBenchGrader grader = new PyBenchGrader(pool, SandboxSpec.python().memory("2g").build(), Duration.ofMinutes(2), 2);
            results = grader.grade(tasks, tasks.all(), trajectories, pybench.resolve("published_runs/" + run + "/output"), r -> { });
        }
        Map<String, String> actual = new TreeMap<>();
        results.forEach(r -> actual.put(r.taskId(), r.verdict()));
        List<String> differences = new ArrayList<>();
        expected.forEach((task, verdict) -> {
            if (!verdict.equals(actual.get(task))) differences.add("task " + task + ": expected " + verdict + ", got " + actual.get(task));
        });
        assertEquals(List.of(), differences);
        assertEquals(expected.size(), results.size());
        assertEquals(expectedPasses, results.stream().filter(GradeResult::passed).count());
    }

    private static Map<String, String> expectedVerdicts(Path tsv, String run) throws IOException {
        List<String> lines = Files.readAllLines(tsv);
        List<String> header = List.of(lines.get(0).split("\t"));
        int column = header.indexOf(run);
        Map<String, String> verdicts = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            verdicts.put(cells[0], cells[column]);
        }
        return verdicts;
    }
}
