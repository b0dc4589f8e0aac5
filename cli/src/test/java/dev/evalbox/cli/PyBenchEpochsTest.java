package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.pybench.PyBenchRun;
import dev.evalbox.unittests.pybench.PyBenchSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PyBench with --epochs: each epoch's outputs apart, and its tests seeing only its own attempt's files. */
class PyBenchEpochsTest {

    @Test
    void aLaterEpochForgetsTheEarlierAttemptsMergedOutputs(@TempDir Path run) throws Exception {
        Path first = run.resolve("artifacts/7");
        Files.createDirectories(first.resolve("epoch-2"));
        Files.createDirectories(first.resolve("sub"));
        Files.writeString(first.resolve("7.png"), "first");
        Files.writeString(first.resolve("sub/data.csv"), "first");
        Files.writeString(first.resolve("epoch-2/other.txt"), "second");
        Files.createDirectories(run.resolve("output/sub"));
        for (String name : List.of("7.png", "sub/data.csv", "other.txt", "8.png")) Files.writeString(run.resolve("output").resolve(name), "x");
        new PyBenchRun(run).forgetOutputs(first);
        assertFalse(Files.exists(run.resolve("output/7.png")));
        assertFalse(Files.exists(run.resolve("output/sub/data.csv")));
        assertTrue(Files.exists(run.resolve("output/other.txt")), "a later epoch's file is not the first attempt's");
        assertTrue(Files.exists(run.resolve("output/8.png")), "another task's file stays");
    }

    @Test
    @Tag("docker")
    void theSampleRunTwiceGivesTheSameVerdictsInBothEpochs(@TempDir Path dir) throws Exception {
        DockerRequired.check();
        Path checkout = PyBenchSample.extract(dir.resolve("checkout"));
        Path run = dir.resolve("run");
        CommandRunner.Result result = CommandRunner.run("run", "pybench", "--pybench-dir", checkout.toString(),
                "--model", "replay:" + checkout.resolve("recorded_trajectory.jsonl"), "--backend", "docker", "--concurrency", "2",
                "--epochs", "2", "--out", run.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        List<JsonNode> rows = RunDirectory.readResults(run);
        Map<Integer, Map<String, Boolean>> byEpoch = rows.stream().collect(Collectors.groupingBy(r -> r.path("epoch").asInt(),
                Collectors.toMap(r -> r.path("task_id").asText(), r -> r.path("passed").asBoolean())));
        assertEquals(2, byEpoch.size());
        assertEquals(byEpoch.get(1), byEpoch.get(2), "the replayed model does the same in both epochs, and is graded the same");
        assertTrue(byEpoch.get(1).containsValue(true), "some task passes: " + byEpoch);
        String anyTask = byEpoch.get(1).keySet().iterator().next();
        assertTrue(Files.isDirectory(run.resolve("artifacts").resolve(anyTask).resolve("epoch-2")), "epoch 2's files apart");
        JsonNode metrics = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
        assertEquals(metrics.path("pass_rate").asDouble(), metrics.path("epochs").path("pass^k").path("2").asDouble(), 1e-9,
                "a task that passes once passes twice");
        assertTrue(result.out().contains("tasks x 2 epochs"), result.out());
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("id=\"task-" + anyTask + "\"") && report.contains("id=\"task-" + anyTask + "-epoch-2\""),
                "report.html lists each epoch's attempt under its own anchor");
        assertTrue(report.contains("id=\"uncertainty\""), "and the intervals");
        String trajectory = Files.readString(run.resolve("pybench_trajectory.jsonl"));
        assertEquals(byEpoch.get(1).size(), trajectory.lines().filter(l -> l.contains("\"epoch\":2")).count(),
                "pybench_trajectory.jsonl says which lines are epoch 2's");

        // a replay of the run replays each (task, epoch): observation replay with the recorded verdicts, so the same
        // pass@k and pass^k, and action replay with each attempt's own code, in a fresh sandbox each
        Path observed = dir.resolve("replay");
        CommandRunner.Result replay = CommandRunner.run("replay", run.toString(), "--out", observed.toString());
        assertEquals(0, replay.exitCode(), replay.out() + replay.err());
        assertEquals(byEpoch, RunDirectory.readResults(observed).stream().collect(Collectors.groupingBy(r -> r.path("epoch").asInt(),
                Collectors.toMap(r -> r.path("task_id").asText(), r -> r.path("passed").asBoolean()))), "every attempt, with its epoch and verdict");
        JsonNode replayed = new ObjectMapper().readTree(observed.resolve("metrics.json").toFile());
        assertEquals(metrics.path("epochs"), replayed.path("epochs"), "pass@k and pass^k as the run's");
        Path acted = dir.resolve("replay-actions");
        CommandRunner.Result actions = CommandRunner.run("replay", run.toString(), "--actions", "--backend", "docker", "--concurrency", "2",
                "--out", acted.toString());
        assertEquals(0, actions.exitCode(), actions.out() + actions.err());
        List<JsonNode> actionRows = RunDirectory.readResults(acted);
        assertEquals(rows.size(), actionRows.size(), "each attempt's code run again: " + actions.out());
        assertEquals(byEpoch.get(1).size(), actionRows.stream().filter(r -> r.path("epoch").asInt() == 2).count(), "epoch 2's attempts among them");
        assertTrue(actions.out().contains("attempts reproduced every observation"), actions.out());
    }
}
