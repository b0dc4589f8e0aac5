package dev.evalbox.unittests.pybench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Loading PyBench files: the real checkout when present, and clear errors on malformed input. */
class PyBenchFilesTest {

    @Test
    void loadsTheRealCheckout() {
        Path pybench = SharedData.requirePybench();
        PyBenchTasks tasks = PyBenchTasks.load(pybench);
        assertEquals(143, tasks.size());
        PyBenchTask two = tasks.get("2");
        assertEquals(List.of("./data/yearly_deaths_by_clinic.csv"), two.filePaths());
        assertTrue(two.user().contains("./output/2.csv"));
        PyBenchTrajectoryFile run = PyBenchTrajectoryFile.read(pybench.resolve("published_runs/PyLlama3_abla_ultrachat/trajectory.jsonl"));
        assertEquals(140, run.size());
        assertEquals(List.of(), run.problems());
        assertTrue(run.get("91").isEmpty());
        assertEquals("system", run.get("2").orElseThrow().messages().get(0).path("role").asText());
    }

    @Test
    void malformedTaskFilesNameTheTaskAndField(@TempDir Path dir) throws Exception {
        SyntheticPyBench.write(dir, "[" + SyntheticPyBench.task("1", "a") + ", {\"index\": \"2\"}]", "");
        PyBenchDataException missing = assertThrows(PyBenchDataException.class, () -> PyBenchTasks.load(dir));
        assertTrue(missing.getMessage().endsWith("task.json task 2: field \"user\" missing"), missing.getMessage());

        SyntheticPyBench.write(dir, "[" + SyntheticPyBench.task("1", "a") + ", " + SyntheticPyBench.task("1", "b") + "]", "");
        assertTrue(assertThrows(PyBenchDataException.class, () -> PyBenchTasks.load(dir)).getMessage().contains("index 1 appears twice"));

        SyntheticPyBench.write(dir, "{not json", "");
        assertTrue(assertThrows(PyBenchDataException.class, () -> PyBenchTasks.load(dir)).getMessage().contains("cannot be read as JSON"));

        PyBenchDataException notACheckout = assertThrows(PyBenchDataException.class, () -> PyBenchTasks.load(dir.resolve("nowhere")));
        assertTrue(notACheckout.getMessage().contains("is not a PyBench checkout"), notACheckout.getMessage());
    }

    @Test
    void badTrajectoryLinesAreRecordedAndSkipped(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("trajectory.jsonl");
        Files.writeString(file, String.join("\n",
                "{\"index\": \"1\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"content\": \"done\"}]}",
                "{\"index\": \"2\", \"messages\": [trunc",
                "[1, 2]",
                "{\"messages\": []}",
                "{\"index\": \"3\", \"messages\": \"not a list\"}",
                "",
                "{\"index\": \"1\", \"messages\": [{\"role\": \"assistant\", \"content\": \"again\"}]}"));
        PyBenchTrajectoryFile trajectories = PyBenchTrajectoryFile.read(file);
        assertEquals("trajectory.jsonl line 2: not valid JSON", trajectories.problems().get(0));
        assertEquals(List.of(
                "trajectory.jsonl line 3: expected a JSON object",
                "trajectory.jsonl line 4: field \"index\" missing",
                "trajectory.jsonl line 5: field \"messages\" missing or not a list (task 3)",
                "trajectory.jsonl line 7: task 1 also on line 1; the later line is used"), trajectories.problems().subList(1, 5));
        PyBenchTrajectory one = trajectories.get("1").orElseThrow();
        assertEquals("again", one.finalAnswer());
        assertEquals(1, one.turns());
        assertTrue(trajectories.get("2").isEmpty());
    }

    @Test
    void categoriesComeFromATsvColumnOrTheTaskLabel(@TempDir Path dir) throws Exception {
        Path tsv = dir.resolve("cats.tsv");
        Files.writeString(tsv, "index\tkind\n1\tChart\n");
        PyBenchTask one = new PyBenchTask("1", "q", List.of(), List.of(), "简单数据分析处理\n（pandas）", "", "");
        PyBenchTask two = new PyBenchTask("2", "q", List.of(), List.of(), "图像处理", "", "");
        PyBenchCategories categories = PyBenchCategories.load(tsv, "kind");
        assertEquals("Chart", categories.of(one));
        assertEquals("图像处理", categories.of(two));
        assertEquals("简单数据分析处理 （pandas）", PyBenchCategories.fromTaskLabels().of(one));
        assertTrue(assertThrows(PyBenchDataException.class, () -> PyBenchCategories.load(tsv, "nope")).getMessage()
                .contains("must have columns \"index\" and \"nope\""));
    }

    @Test
    void summaryCountsEveryTaskOfTheBenchmark() {
        List<PyBenchTask> tasks = List.of(
                new PyBenchTask("1", "q", List.of(), List.of(), "A", "", ""),
                new PyBenchTask("2", "q", List.of(), List.of(), "A", "", ""),
                new PyBenchTask("3", "q", List.of(), List.of(), "B", "", ""),
                new PyBenchTask("4", "q", List.of(), List.of(), "B", "", ""));
        List<GradeResult> results = List.of(GradeResult.pass("1", 2, 0), GradeResult.fail("2", "AssertionError", "x", 4, 0),
                GradeResult.pass("3", 3, 0)); // task 4 has no verdict: it counts as failed
        PyBenchSummary summary = PyBenchSummary.of(tasks, results, PyBenchCategories.fromTaskLabels());
        assertEquals(50.0, summary.passRate());
        assertEquals(3.0, summary.averageTurns());
        assertEquals(new PyBenchSummary.CategoryScore(2, 1), summary.byCategory().get("A"));
        assertEquals(new PyBenchSummary.CategoryScore(2, 1), summary.byCategory().get("B"));
        assertEquals("Failed:AssertionError", results.get(1).verdict());
    }
}
