package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.humanevalv.HumanEvalVParquetTest;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution (target/dist) run as a user runs it, through bin/evalbox: the CLI's class path
 * is lib/ alone, and each benchmark is found in benchmarks/NAME/ on a class loader of its own, its heavy
 * library with it (Playwright for ArtifactsBench, DuckDB for HumanEval-V's parquet files). Runs in the
 * integration-test phase, after the package phase has built the distribution (see cli/pom.xml).
 */
@Tag("docker")
@Tag("chromium")
class DistributionTest {
    private static final Path DIST = Path.of("target/dist").toAbsolutePath();

    record Result(int exitCode, String out) { }

    @BeforeAll
    static void built() {
        if (!Files.isExecutable(DIST.resolve("bin/evalbox"))) fail("no distribution at " + DIST + ": run through `mvn verify`");
        DockerRequired.check();
        ChromiumRequired.check();
    }

    private static Result evalbox(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(DIST.resolve("bin/evalbox").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().remove("EVALBOX_BENCHMARKS");
        builder.environment().remove("EVALBOX_HOME");
        Path log = dir.resolve("evalbox-" + System.nanoTime() + ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("evalbox " + String.join(" ", args) + " did not finish in 15 minutes:\n" + Files.readString(log));
        }
        return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    @Test
    void theBenchmarksAreFoundInTheirOwnFoldersAndNotOnTheClassPath(@TempDir Path dir) throws Exception {
        List<String> lib;
        try (Stream<Path> jars = Files.list(DIST.resolve("lib"))) {
            lib = jars.map(p -> p.getFileName().toString()).toList();
        }
        for (String heavy : List.of("playwright-", "driver-bundle-", "duckdb_jdbc-", "evalbox-pybench-", "evalbox-artifactsbench-",
                "evalbox-humaneval-v-", "evalbox-code-interpreter-")) {
            assertTrue(lib.stream().noneMatch(j -> j.startsWith(heavy)), heavy + " is on the class path: " + lib);
        }
        for (String folder : List.of("pybench", "humaneval-v", "artifactsbench", "code-interpreter")) {
            assertTrue(Files.isDirectory(DIST.resolve("benchmarks").resolve(folder)), "benchmarks/" + folder);
        }
        Result run = evalbox(dir, "run", "--help");
        assertEquals(0, run.exitCode(), run.out());
        for (String name : List.of("pybench", "humaneval-v", "artifactsbench", "code-interpreter")) {
            assertTrue(run.out().contains(name), name + " is listed by `evalbox run`:\n" + run.out());
        }
        Result bench = evalbox(dir, "bench", "--help");
        for (String name : List.of("pybench", "humaneval-v", "artifacts-render", "view", "kernel", "sandbox")) {
            assertTrue(bench.out().contains(name), name + " is listed by `evalbox bench`:\n" + bench.out());
        }
    }

    @Test
    void pagesRenderThroughTheBenchmarksOwnBrowserLibrary(@TempDir Path dir) throws Exception {
        // the demo's ArtifactsBench part renders its pages in Chromium through Playwright, loaded from benchmarks/artifactsbench
        Result demo = evalbox(dir, "demo", "--skip", "pybench,humaneval-v", "--backend", "docker", "--runs-dir", dir.resolve("runs").toString());
        assertEquals(0, demo.exitCode(), demo.out());
        Path part;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            part = runs.findFirst().orElseThrow().resolve("artifactsbench-sample/run");
        }
        List<JsonNode> rows = RunDirectory.readResults(part);
        assertEquals(4, rows.size(), demo.out());
        assertEquals(3, rows.stream().filter(r -> "ok".equals(r.path("render_outcome").asText())).count(), demo.out());
    }

    @Test
    void parquetTasksLoadThroughTheBenchmarksOwnDatabase(@TempDir Path dir) throws Exception {
        // the Hugging Face parquet release is read by DuckDB, loaded from benchmarks/humaneval-v
        Path parquet = dir.resolve("test-00000-of-00001.parquet");
        HumanEvalVParquetTest.writeV2(parquet, HumanEvalVParquetTest.rows());
        Result grade = evalbox(dir, "grade", "humaneval-v", "--data", parquet.toString(), "--reference", "--backend", "docker",
                "--out", dir.resolve("run").toString());
        assertEquals(0, grade.exitCode(), grade.out());
        List<JsonNode> rows = RunDirectory.readResults(dir.resolve("run"));
        assertEquals(2, rows.size(), grade.out());
        assertTrue(rows.stream().allMatch(r -> r.path("passed").asBoolean()), "the ground-truth solutions pass: " + rows);
    }

}
