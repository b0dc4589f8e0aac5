package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.DockerClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.sandbox.DockerEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import dev.evalbox.sandbox.DockerRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands that need the Docker engine and the sandbox image. */
@Tag("docker")
class DockerCliTest {

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    @Test
    void demoRunsEveryCellInADockerSandboxAndRecordsTheRun(@TempDir Path runs) throws Exception {
        CommandRunner.Result result = CommandRunner.run("demo", "--backend", "docker", "--runs-dir", runs.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertTrue(result.out().contains("sandbox: docker"), result.out());
        assertTrue(result.out().contains("best region: south"), result.out());
        assertTrue(result.out().contains("4 of 4 sample tasks passed"), result.out());

        Path runDir;
        try (Stream<Path> dirs = Files.list(runs)) {
            runDir = dirs.findFirst().orElseThrow();
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode run = json.readTree(runDir.resolve("run.json").toFile());
        assertEquals("docker", run.path("backend").asText());
        assertEquals("ipython", run.path("runner").asText());
        assertEquals(0, run.path("failed_cells").asInt());
        assertTrue(run.hasNonNull("finished"));

        List<String> cells = Files.readAllLines(runDir.resolve("cells.jsonl"));
        assertEquals(4, cells.size());
        JsonNode analyse = json.readTree(cells.get(1));
        assertEquals("ok", analyse.path("status").asText());
        assertEquals("execute_result", analyse.path("outputs").get(0).path("output_type").asText());
        assertTrue(analyse.path("outputs").get(0).path("data").path("text/html").asText().contains("<table"));

        Path artifacts = runDir.resolve("artifacts/demo");
        byte[] plot = Files.readAllBytes(artifacts.resolve("weekly_revenue.png"));
        assertEquals((byte) 0x89, plot[0]);
        assertEquals('P', plot[1]);
        JsonNode summary = json.readTree(artifacts.resolve("summary.json").toFile());
        assertEquals("south", summary.path("best_region").asText());
        assertEquals(270, summary.path("rows").asInt());

        Path sample = runDir.resolve("pybench-sample/run");
        List<String> verdicts = Files.readAllLines(sample.resolve("results.jsonl"));
        assertEquals(4, verdicts.size());
        for (String line : verdicts) assertEquals("Pass", json.readTree(line).path("verdict").asText(), line);
        assertTrue(Files.readString(sample.resolve("trajectories.jsonl")).contains("No such file or directory: './data/order.csv'"),
                "task 2's recorded first turn fails and the loop shows the error");
        assertTrue(Files.isRegularFile(sample.resolve("report.html")));

        assertTrue(result.out().contains("3 of 3 HumanEval-V sample tasks passed"), result.out());
        assertTrue(Files.isRegularFile(runDir.resolve("humaneval-v-sample/data/images/demo-clock.png")), "the demo draws its diagrams");
        assertEquals(3, Files.readAllLines(runDir.resolve("humaneval-v-sample/run/results.jsonl")).size());
    }

    @Test
    void doctorFindsTheEngineTheImageAndPythonInIt() {
        CommandRunner.Result result = CommandRunner.run("doctor");
        assertTrue(result.out().contains("ok       Java"), result.out());
        assertTrue(result.out().contains("ok       Docker engine"), result.out());
        assertTrue(result.out().contains("ok       Sandbox image"), result.out());
        assertTrue(result.out().matches("(?s).*ok       Python in the image +Python 3\\.\\d+\\.\\d+ \\(ipython\\).*"), result.out());
    }

    @Test
    void gradePyBenchWritesOneResultLinePerTaskAndTheMetrics(@TempDir Path runs) throws Exception {
        Path pybench = null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && pybench == null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/data/pybench/data/meta"))) pybench = dir.resolve("shared/data/pybench");
        }
        Assumptions.assumeTrue(pybench != null, "skipping: ../shared/data/pybench is not on this machine");
        Path out = runs.resolve("graded");
        CommandRunner.Result result = CommandRunner.run("grade", "pybench", "--backend", "docker", "--pybench-dir", pybench.toString(),
                "--trajectory", pybench.resolve("published_runs/PyLlama3_3konly/trajectory.jsonl").toString(),
                "--categories", pybench.resolve("derived/task_index.tsv").toString(), "--out", out.toString());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("PyBench pass rate: 8.4% (12 of 143 tasks)"), result.out());
        List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
        assertEquals(143, lines.size());
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode row = json.readTree(line);
            assertTrue(row.hasNonNull("task_id") && row.has("passed") && row.has("reason"), line);
            if (!row.path("passed").asBoolean()) assertTrue(!row.path("reason").asText().isEmpty(), line);
        }
        JsonNode metrics = json.readTree(out.resolve("run.json").toFile()).path("metrics");
        assertEquals(12, metrics.path("passed").asInt());
        assertEquals(143, metrics.path("tasks").asInt());
        assertEquals(5, metrics.path("by_category").size());
    }

    @Test
    void imageListShowsTheCurrentDefinition() {
        CommandRunner.Result result = CommandRunner.run("image", "list");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("evalbox/python:latest"), result.out());
        assertTrue(result.out().contains(ImageDefinition.locate().tag()) && result.out().contains("(current definition)"),
                "the image of the current definition is built and marked: " + result.out());
    }

    @Test
    void containersOfAJvmThatIsTerminatedAreRemovedByItsShutdownHook() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "sandbox", "shell", "--backend", "docker").redirectErrorStream(true).start();
        try (DockerClient docker = DockerEngine.connect()) {
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream()));
            String banner = out.readLine();
            assertTrue(banner != null && banner.startsWith("evalbox sandbox shell: docker"), "banner: " + banner);
            String owner = "/" + child.pid() + "/";
            assertEquals(1, containersOwnedBy(docker, owner), "the shell's sandbox container exists");
            child.destroy(); // SIGTERM: the JVM runs its shutdown hooks
            assertTrue(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the shell ended");
            // The engine's list can trail a removal that has just returned; give it a bounded moment.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (containersOwnedBy(docker, owner) > 0 && System.nanoTime() < deadline) Thread.sleep(200);
            assertEquals(0, containersOwnedBy(docker, owner), "the shutdown hook removed the container");
        } finally {
            child.destroyForcibly();
        }
    }

    private static long containersOwnedBy(DockerClient docker, String ownerPart) {
        return docker.listContainersCmd().withShowAll(true).withLabelFilter(List.of("evalbox.owner")).exec().stream()
                .filter(c -> c.getLabels().getOrDefault("evalbox.owner", "").contains(ownerPart)).count();
    }

    @Test
    void sandboxRunOnDockerIsIsolated() {
        CommandRunner.Result result = CommandRunner.run("sandbox", "run", "--backend", "docker", "-c",
                "import os, socket\nprint(os.getuid(), os.getcwd())\nprint([n for _, n in socket.if_nameindex()])");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("1000 /work"), result.out());
        assertTrue(result.out().contains("['lo']"), "only loopback, no network: " + result.out());
    }
}
