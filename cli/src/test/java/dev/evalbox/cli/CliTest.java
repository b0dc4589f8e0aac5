package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command tree on the local backend: no Docker needed. */
class CliTest {

    @Test
    void versionAndHelpEverywhere() {
        CommandRunner.Result version = CommandRunner.run("--version");
        assertEquals(0, version.exitCode());
        assertTrue(version.out().startsWith("evalbox 0."), version.out());
        for (List<String> command : List.<List<String>>of(List.of(), List.of("demo"), List.of("doctor"), List.of("image"), List.of("image", "build"),
                List.of("image", "list"), List.of("sandbox"), List.of("sandbox", "run"), List.of("sandbox", "shell"),
                List.of("bench"), List.of("bench", "sandbox"), List.of("run"), List.of("run", "pybench"), List.of("grade"),
                List.of("grade", "pybench"), List.of("replay"), List.of("report"))) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help")).toArray(String[]::new);
            CommandRunner.Result help = CommandRunner.run(args);
            assertEquals(0, help.exitCode(), "--help of " + command);
            assertTrue(help.out().contains("Usage: evalbox"), "usage of " + command + ": " + help.out());
        }
    }

    @Test
    void sandboxRunPrintsOutputsAndSavesImages(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("numbers.txt");
        Files.writeString(data, "3\n4\n");
        CommandRunner.Result result = CommandRunner.run("sandbox", "run", "--backend", "local", "--upload", data.toString(),
                "--images", dir.resolve("img").toString(), "-c",
                "import sys\nvals = [int(l) for l in open('numbers.txt')]\nprint('sum', sum(vals))\nprint('warn', file=sys.stderr)\nsum(vals) * 2");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("sum 7\n"), result.out());
        assertTrue(result.out().contains("14\n"), result.out());
        assertTrue(result.err().contains("warn"), result.err());
    }

    @Test
    void aFailingCellExitsNonZeroWithItsTracebackAndNoJavaStackTrace() {
        CommandRunner.Result result = CommandRunner.run("sandbox", "run", "--backend", "local", "-c", "1/0");
        assertEquals(1, result.exitCode());
        assertTrue(result.err().contains("ZeroDivisionError"), result.err());
        assertFalse(result.err().contains("at dev.evalbox"), result.err());
    }

    @Test
    void userErrorsAreOneClearLine() {
        CommandRunner.Result result = CommandRunner.run("sandbox", "run", "--backend", "nonsense", "-c", "1");
        assertEquals(1, result.exitCode());
        assertEquals("evalbox: unknown backend \"nonsense\": use docker, local, kubernetes or auto", result.err().strip());
        CommandRunner.Result missing = CommandRunner.run("sandbox", "run", "--backend", "local", "--upload", "/no/such/file", "-c", "1");
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("--upload /no/such/file: no such file"), missing.err());
    }

    @Test
    void runAndGradeExplainBadInputInOneLine(@TempDir Path dir) {
        Path out = dir.resolve("out");
        for (int time = 1; time <= 2; time++) {
            CommandRunner.Result notACheckout = CommandRunner.run("run", "pybench", "--pybench-dir", dir.toString(), "--model", "m",
                    "--backend", "local", "--out", out.toString());
            assertEquals(1, notACheckout.exitCode());
            // the second time too: a run that never began leaves no directory behind to refuse the next --out
            assertTrue(notACheckout.err().startsWith("evalbox: " + dir + " is not a PyBench checkout"), time + ": " + notACheckout.err());
            assertFalse(java.nio.file.Files.exists(out), "nothing left of a run that never began");
        }
        CommandRunner.Result reference = CommandRunner.run("run", "pybench", "--pybench-dir",
                dev.evalbox.unittests.pybench.PyBenchSample.extract(dir.resolve("sample")).toString(), "--model", "reference", "--backend", "local");
        assertEquals(1, reference.exitCode());
        assertTrue(reference.err().contains("PyBench has no ground-truth solutions"), reference.err());
        CommandRunner.Result replay = CommandRunner.run("replay", dir.resolve("nothing-here").toString());
        assertEquals(1, replay.exitCode());
        assertTrue(replay.err().contains("no such run directory or trajectory file"), replay.err());
    }

    @Test
    void shellRunsMultiLineCellsAndCommandsFromAPipe() {
        String session = String.join("\n",
                "def twice(x):",
                "    return 2 * x",
                "",
                "twice(21)",
                ":ls",
                "open('note.txt', 'w').write('hello')",
                ":ls",
                ":restart",
                "twice",
                ":quit", "");
        CommandRunner.Result result = CommandRunner.runWithInput(session, "sandbox", "shell", "--backend", "local");
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.out().contains("42"), result.out());
        assertTrue(result.out().contains("note.txt"), result.out());
        assertTrue(result.out().contains("restarted"), result.out());
        assertTrue(result.out().contains("NameError"), "state is gone after :restart: " + result.out());
    }

    @Test
    void continuationFollowsPythonBlocksAndBrackets() {
        assertTrue(SandboxCommand.Shell.continues("for i in range(3):"));
        assertTrue(SandboxCommand.Shell.continues("x = [1,"));
        assertFalse(SandboxCommand.Shell.continues("x = [1, 2]"));
        assertFalse(SandboxCommand.Shell.continues("print('a')"));
    }
}
