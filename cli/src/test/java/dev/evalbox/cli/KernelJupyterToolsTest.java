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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    static final String PYTHON = "/usr/bin/python3";
    private static final String NAME = "evalbox-test";

    @TempDir
    static Path prefix;

    /** Skips the calling test without the Jupyter tools, or fails it when they are required (EVALBOX_REQUIRE_JUPYTER=1). */
    static void requireTools() {
        boolean tools = run(List.of(PYTHON, "-c", "import jupyter_kernel_test, jupyter_console, nbclient"), null, Map.of(), 120)
                .exitCode() == 0;
        if (!tools && "1".equals(System.getenv("EVALBOX_REQUIRE_JUPYTER"))) {
            fail("the Jupyter tools are required but missing: run scripts/setup.sh host-python");
        }
        assumeTrue(tools, "the Jupyter tools (python3-jupyter-kernel-test, jupyter-console, python3-nbclient) are not installed");
    }

    @BeforeAll
    static void install() {
        requireTools();
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

    private static final Map<Path, JsonNode> EXECUTED = new java.util.HashMap<>();

    /** Each notebook's executed cells, executed once for all the tests that look at them (the debugging notebook takes minutes). */
    private static synchronized JsonNode executeNotebook(Path notebook) throws IOException {
        Path key = notebook.toAbsolutePath().normalize();
        JsonNode cells = EXECUTED.get(key);
        if (cells == null) {
            cells = executeNotebookNow(key);
            EXECUTED.put(key, cells);
        }
        return cells;
    }

    /** Executes a notebook with nbclient in a fresh working directory (notebooks write their runs there); returns the executed copy. */
    private static JsonNode executeNotebookNow(Path notebook) throws IOException {
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
        assertTrue(notebooks.stream().map(p -> p.getFileName().toString()).toList()
                .containsAll(List.of("basics.ipynb", "debugging.ipynb", "harness.ipynb")), "expected the example notebooks, found " + notebooks);
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
    void debuggingNotebookShowsLimitsFilesAndARerunAfterAFix() throws IOException {
        JsonNode cells = executeNotebook(Path.of("../notebooks/debugging.ipynb"));
        assertTrue(text(cell(cells, "open")).contains("memory 256 MiB, 30.0 s per cell"), "the sandbox opened with the notebook's limits");

        assertEquals("KeyError", error(cell(cells, "bug")).path("ename").asText(), "the bug fails the cell");
        assertTrue(text(cell(cells, "fix")).contains("north") && text(cell(cells, "fix")).contains("<table"),
                "the fixed cell, run again, shows the summary (the data survived the error)");

        assertTrue(text(cell(cells, "write-files")).contains("written: ['revenue.png', 'summary.csv']"));
        String listed = text(cell(cells, "list-files"));
        assertTrue(listed.matches("(?s).*\\[revenue\\.png \\([1-9][0-9]+ bytes\\), summary\\.csv \\([1-9][0-9]* bytes\\)\\].*"), listed);
        JsonNode downloaded = cell(cells, "download-files");
        String png = "";
        for (JsonNode output : downloaded.path("outputs")) {
            if (output.path("data").has("image/png")) png = output.path("data").path("image/png").asText();
        }
        assertTrue(png.startsWith("iVBORw0KGgo") && png.length() > 1000, "the chart the task wrote, downloaded and shown: " + downloaded);
        assertTrue(text(downloaded).contains("region,count,sum,mean"), "the table the task wrote: " + downloaded);
        assertTrue(text(downloaded).matches("(?s).*kept a copy: \\S*runs/debugging/revenue\\.png \\([1-9][0-9]+ bytes\\).*"), text(downloaded));

        JsonNode kept = error(cell(cells, "timeout-kept"));
        assertEquals("Timeout", kept.path("ename").asText(), kept.toString());
        assertTrue(kept.path("evalue").asText().contains("interrupted at the 3.0 s time limit; the session's state is kept"), kept.toString());
        Matcher steps = Pattern.compile("got through (\\d+) of 100 steps").matcher(text(cell(cells, "after-timeout-kept")));
        assertTrue(steps.find(), "the state survived the interrupt: " + cell(cells, "after-timeout-kept"));
        int done = Integer.parseInt(steps.group(1));
        assertTrue(done > 0 && done < 100, "the loop was interrupted part way: " + done);

        JsonNode lost = error(cell(cells, "timeout-lost"));
        assertEquals("Timeout", lost.path("ename").asText(), lost.toString());
        assertTrue(lost.path("evalue").asText().contains("the sandbox was killed and restarted, so its state was lost"), lost.toString());
        assertEquals("NameError", error(cell(cells, "after-timeout-lost")).path("ename").asText(), "steps_done went with the killed sandbox");

        JsonNode oom = error(cell(cells, "oom"));
        assertEquals("OutOfMemory", oom.path("ename").asText(), oom.toString());
        assertTrue(oom.path("evalue").asText().contains("ran out of memory (limit 256 MiB)"), oom.toString());
        assertTrue(text(cell(cells, "oom")).contains("building the pairwise matrix...") && !text(cell(cells, "oom")).contains("never printed"));
        JsonNode afterOom = cell(cells, "after-oom");
        assertTrue(text(afterOom).contains("restarted it with the same settings") && text(afterOom).contains("memory 256 MiB"), afterOom.toString());
        assertEquals("NameError", error(afterOom).path("ename").asText(), "the state went with the killed interpreter");
        JsonNode fixed = cell(cells, "oom-fixed");
        assertTrue(error(fixed).isMissingNode(), "the fixed computation fits: " + fixed);
        assertTrue(text(fixed).matches("(?s).*\"text/plain\":\\[?\"[0-9]+\\.[0-9]+\".*"), "it gives the mean pairwise difference: " + fixed);
        assertTrue(text(cell(cells, "info")).contains("memory 256 MiB"), "the restarted sandbox kept the limits");
    }

    /** The code cell with this id (the debugging notebook names its cells for what they show). */
    private static JsonNode cell(JsonNode cells, String id) {
        for (JsonNode cell : cells) {
            if (cell.path("id").asText().equals(id)) return cell;
        }
        throw new AssertionError("no cell with id " + id);
    }

    /** The cell's error output, or a missing node. */
    private static JsonNode error(JsonNode cell) {
        for (JsonNode output : cell.path("outputs")) {
            if (output.path("output_type").asText().equals("error")) return output;
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String text(JsonNode cell) {
        return cell.path("outputs").toString();
    }

    @Test
    void benchKernelMeasuresBothKernels() throws IOException {
        CommandRunner.Result result = CommandRunner.run("bench", "kernel", "--cells", "5", "--rounds", "1", "--display-tasks", "300", "--json");
        assertEquals(0, result.exitCode(), result.err());
        JsonNode report = new ObjectMapper().readTree(result.out());
        List<String> keys = new ArrayList<>();
        for (JsonNode measure : report.path("measures")) {
            keys.add(measure.path("key").asText());
            assertTrue(measure.path("value").asDouble() > 0, measure.toString());
            assertTrue(measure.path("anchor").asDouble() > 0, "ipykernel measured in the same run: " + measure);
        }
        assertEquals(List.of("round_trip_p50", "round_trip_p95", "start_to_first_reply", "first_cell", "display_run_first",
                "display_run_p50", "comment_round_trip_p50"), keys);
    }

    record Result(int exitCode, String out) {
    }

    static Result run(List<String> command, Path directory, Map<String, String> env, int timeoutSeconds) {
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
