package dev.evalbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The evalbox kernel through Jupyter's own tools, as users reach it: `evalbox kernel install` writes
 * the kernelspec, then the official jupyter_kernel_test suite, `jupyter console` and nbclient
 * (running the example notebooks) each start the kernel from that kernelspec.
 */
@Tag("jupyter")
class KernelJupyterToolsTest {
    private static final String PYTHON = "/usr/bin/python3";
    private static final String NAME = "evalbox-test";

    @TempDir
    static Path prefix;

    @BeforeAll
    static void install() {
        boolean tools = run(List.of(PYTHON, "-c", "import jupyter_kernel_test, jupyter_console, nbclient"), null, Map.of(), 120)
                .exitCode() == 0;
        if (!tools && "1".equals(System.getenv("EVALBOX_REQUIRE_JUPYTER"))) {
            fail("the Jupyter tools are required but missing: run scripts/setup.sh host-python");
        }
        assumeTrue(tools, "the Jupyter tools (python3-jupyter-kernel-test, jupyter-console, python3-nbclient) are not installed");
        CommandRunner.Result result = CommandRunner.run("kernel", "install", "--prefix", prefix.toString(), "--name", NAME);
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(Files.exists(kernelJson()));
    }

    private static Path kernelJson() {
        return prefix.resolve("share/jupyter/kernels/" + NAME + "/kernel.json");
    }

    private static Map<String, String> jupyterEnv() {
        return Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString(), "EVALBOX_KERNEL_NAME", NAME);
    }

    @Test
    void kernelspecIsWhatJupyterExpects() throws IOException {
        JsonNode spec = new ObjectMapper().readTree(kernelJson().toFile());
        assertEquals("java", spec.path("language").asText());
        assertEquals("message", spec.path("interrupt_mode").asText());
        List<String> argv = new ArrayList<>();
        spec.path("argv").forEach(a -> argv.add(a.asText()));
        assertEquals(List.of("kernel", "--connection-file", "{connection_file}"), argv.subList(argv.size() - 3, argv.size()));
        assertTrue(run(List.of(PYTHON, "-m", "jupyter_client.kernelspecapp", "list"), null, jupyterEnv(), 60).out().contains(NAME));
    }

    @Test
    void officialKernelTestSuitePasses() {
        Result result = run(List.of(PYTHON, "-m", "unittest", "-v", "test_evalbox_kernel"),
                Path.of("src/test/python"), jupyterEnv(), 600);
        String report = result.out();
        assertEquals(0, result.exitCode(), report);
        assertTrue(report.contains("\nOK"), report);
        assertFalse(report.contains("skipped"), "every applicable test must run:\n" + report);
        assertTrue(report.contains("Ran 12 tests"), report);
    }

    @Test
    void jupyterConsoleRunsCellsNonInteractively() throws IOException {
        Path input = Files.createTempFile(prefix, "console", ".txt");
        Files.writeString(input, "6 * 7\nSystem.out.println(\"hi from the console\");\n");
        Result result = run(List.of(PYTHON, "-m", "jupyter_console", "--kernel", NAME, "--simple-prompt"),
                null, jupyterEnv(), 300, input);
        assertTrue(result.out().contains("Out[1]: 42"), result.out());
        assertTrue(result.out().contains("hi from the console"), result.out());
    }

    /** Executes a notebook with nbclient in a fresh working directory (notebooks write their runs there); returns the executed copy. */
    private static JsonNode executeNotebook(Path notebook) throws IOException {
        Path workDir = Files.createTempDirectory(prefix, "nb");
        Path executed = workDir.resolve("executed.ipynb");
        String script = "import sys, nbformat, nbclient\n"
                + "nb = nbformat.read(sys.argv[1], as_version=4)\n"
                + "nbclient.NotebookClient(nb, kernel_name=sys.argv[3], timeout=600).execute()\n"
                + "nbformat.write(nb, sys.argv[2])\n";
        Result result = run(List.of(PYTHON, "-c", script, notebook.toAbsolutePath().toString(), executed.toString(), NAME),
                workDir, jupyterEnv(), 900);
        assertEquals(0, result.exitCode(), notebook + " failed under nbclient:\n" + result.out());
        JsonNode cells = new ObjectMapper().readTree(executed.toFile()).path("cells");
        for (JsonNode cell : cells) {
            if (cell.path("cell_type").asText().equals("code")) {
                assertTrue(cell.path("execution_count").isInt(), notebook + ": a code cell did not run: " + cell.path("source"));
            }
        }
        return cells;
    }

    @Test
    void everyExampleNotebookRunsThroughNbclient() throws IOException {
        List<Path> notebooks;
        try (Stream<Path> files = Files.list(Path.of("../notebooks"))) {
            notebooks = files.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
        }
        assertTrue(notebooks.size() >= 2, "expected the example notebooks, found " + notebooks);
        for (Path notebook : notebooks) {
            executeNotebook(notebook);
        }
    }

    @Test
    void basicsNotebookShowsResultsStreamsAndDisplays() throws IOException {
        String text = executeNotebook(Path.of("../notebooks/basics.ipynb")).toString();
        assertTrue(text.contains("[MODEL-A, MODEL-B]"), "the first cell's result");
        assertTrue(text.contains("evaluating model-b"), "the loop's stream output");
        assertTrue(text.contains("<td>model-a</td>"), "the HTML display");
        assertTrue(text.contains("step 3 of 3"), "the live display's last update");
    }

    @Test
    void harnessNotebookRunsABenchmarkAndInspectsIt() throws IOException {
        JsonNode cells = executeNotebook(Path.of("../notebooks/harness.ipynb"));
        String text = cells.toString();
        assertTrue(text.contains("passed 4"), "the live progress display of %evalbox run: " + text);
        assertTrue(text.contains("[1 passed=true, 2 passed=true, 3 passed=true, 4 passed=true]"), "the run's results");
        assertTrue(text.contains("evalbox-run") && text.contains("100.0%"), "the run's rich view");
        assertTrue(text.contains("evalbox-trajectory"), "the trajectory view");
        assertTrue(text.contains("orders.csv"), "the re-created task sandbox holds the task's input");
    }

    @Test
    void benchKernelMeasuresBothKernels() throws IOException {
        CommandRunner.Result result = CommandRunner.run("bench", "kernel", "--cells", "5", "--rounds", "1", "--json");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode report = new ObjectMapper().readTree(result.out());
        List<String> keys = new ArrayList<>();
        for (JsonNode measure : report.path("measures")) {
            keys.add(measure.path("key").asText());
            assertTrue(measure.path("value").asDouble() > 0, measure.toString());
            assertTrue(measure.path("anchor").asDouble() > 0, "ipykernel measured in the same run: " + measure);
        }
        assertEquals(List.of("round_trip_p50", "round_trip_p95", "start_to_first_reply", "first_cell", "comment_round_trip_p50"), keys);
    }

    record Result(int exitCode, String out) {
    }

    private static Result run(List<String> command, Path directory, Map<String, String> env, int timeoutSeconds) {
        return run(command, directory, env, timeoutSeconds, null);
    }

    private static Result run(List<String> command, Path directory, Map<String, String> env, int timeoutSeconds, Path stdin) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (directory != null) {
                builder.directory(directory.toFile());
            }
            builder.environment().putAll(env);
            if (stdin != null) {
                builder.redirectInput(stdin.toFile());
            } else {
                builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process process = builder.start();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + new String(out, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, command.get(0) + " could not start: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }
}
