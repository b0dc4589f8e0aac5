package dev.evalbox.unittests.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one way evalbox runs host programs: what reaches the program, the watchdog that stops a hung one (and
 * the children it started), and the destroyer that ends them when the JVM dies of an uncaught error.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HostCommandTest {
    /** A shell that starts a long sleep, writes both pids where the test can read them, and waits. */
    private static final String SHELL_WITH_A_CHILD = "echo $$ > \"$1/shell.pid\"; sleep 600 & echo $! > \"$1/sleep.pid.tmp\";"
            + " mv \"$1/sleep.pid.tmp\" \"$1/sleep.pid\"; wait";

    @Test
    void argumentsEnvironmentAndDirectoryReachTheProgramAsGiven(@TempDir Path dir) throws IOException {
        HostCommand.Result result = HostCommand.of("/bin/sh", "-c", "printf '%s|' \"$1\" \"$2\" \"$EVALBOX_PROBE\"; pwd; echo oops >&2; exit 3",
                        "sh", "two words \"quoted\"", "${HOME} $x")
                .env("EVALBOX_PROBE", "from the test").directory(dir).timeout(Duration.ofMinutes(1)).run();
        assertEquals(3, result.exitCode(), "a failing exit status is a result, not an exception");
        assertFalse(result.ok());
        assertEquals("two words \"quoted\"|${HOME} $x|from the test|" + dir.toRealPath(), result.out().strip().replace("\n", ""));
        assertEquals("oops\n", result.err());
    }

    @Test
    void aProgramThatCannotStartSaysWhich() {
        HostCommandException e = assertThrows(HostCommandException.class,
                () -> HostCommand.of("/nonexistent/evalbox-probe", "--version").timeout(Duration.ofMinutes(1)).run());
        assertFalse(e.timedOut());
        assertTrue(e.getMessage().startsWith("cannot run `/nonexistent/evalbox-probe --version`: "), e.getMessage());
    }

    @Test
    void aHungProgramIsStoppedByTheWatchdogWithItsChildren(@TempDir Path dir) throws Exception {
        HostCommand hung = HostCommand.of("/bin/sh", "-c", SHELL_WITH_A_CHILD, "sh", dir.toString()).timeout(Duration.ofSeconds(3));
        // The sleep keeps the shell's stdout open: run() returns only if the watchdog ends it as well as the shell.
        HostCommandException e = assertThrows(HostCommandException.class, hung::run);
        assertTrue(e.timedOut());
        assertEquals("`/bin/sh -c " + SHELL_WITH_A_CHILD + " sh " + dir + "` did not finish within 3 s and was stopped,"
                + " with its child processes", e.getMessage());
        assertEnds(pid(dir, "shell.pid"), "the shell");
        assertEnds(pid(dir, "sleep.pid"), "the sleep the shell started");
    }

    @Test
    void noChildOutlivesAJvmThatDiesOfAnUncaughtError(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("helper"));
        Path log = dir.resolve("helper.log");
        Process jvm = childJvm("helper", dir.resolve("helper"), log);
        assertTrue(jvm.waitFor(2, TimeUnit.MINUTES), "the child JVM ended; its output: " + read(log));
        assertEquals(1, jvm.exitValue(), "it died of the uncaught error: " + read(log));
        assertTrue(read(log).contains("java.lang.StackOverflowError"), read(log));
        assertEnds(pid(dir.resolve("helper"), "shell.pid"), "the program the dead JVM ran");
        assertEnds(pid(dir.resolve("helper"), "sleep.pid"), "the child that program started");
    }

    /** The control: the same JVM death with a plain ProcessBuilder leaves the program running, so the test above can fail. */
    @Test
    void withoutTheHelperTheProgramOutlivesTheJvm(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("plain"));
        Path log = dir.resolve("plain.log");
        Process jvm = childJvm("plain", dir.resolve("plain"), log);
        try {
            assertTrue(jvm.waitFor(2, TimeUnit.MINUTES), "the child JVM ended; its output: " + read(log));
            assertNotEquals(0, jvm.exitValue(), read(log));
            assertTrue(ProcessHandle.of(pid(dir.resolve("plain"), "sleep.pid")).map(ProcessHandle::isAlive).orElse(false),
                    "without the destroyer the sleep outlives the JVM");
        } finally {
            for (String name : List.of("sleep.pid", "shell.pid")) {
                Path file = dir.resolve("plain").resolve(name);
                if (Files.exists(file)) ProcessHandle.of(pid(dir.resolve("plain"), name)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static Process childJvm(String mode, Path dir, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DyingJvm.class.getName(), mode, dir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
    }

    /** Waits (bounded) for a process to end; it need not be our child, so its exit is polled by the JDK. */
    private static void assertEnds(long pid, String what) throws Exception {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) return;
        try {
            handle.get().onExit().get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            handle.get().destroyForcibly();
            throw new AssertionError(what + " (pid " + pid + ") is still running", e);
        }
    }

    private static long pid(Path dir, String name) throws IOException {
        return Long.parseLong(Files.readString(dir.resolve(name)).strip());
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file) : "";
    }

    /**
     * Run in a child JVM: starts the shell (through HostCommand, or a plain ProcessBuilder for the control) on a
     * daemon thread, waits until both pids are written, then dies of an uncaught StackOverflowError on main.
     */
    public static final class DyingJvm {
        public static void main(String[] args) throws Exception {
            Path dir = Path.of(args[1]);
            Thread runner = new Thread(() -> {
                try {
                    if (args[0].equals("helper")) {
                        HostCommand.of("/bin/sh", "-c", SHELL_WITH_A_CHILD, "sh", dir.toString()).timeout(Duration.ofMinutes(10)).run();
                    } else {
                        new ProcessBuilder("/bin/sh", "-c", SHELL_WITH_A_CHILD, "sh", dir.toString()).start().waitFor();
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, "host-command");
            runner.setDaemon(true);
            runner.start();
            while (!Files.exists(dir.resolve("sleep.pid"))) Thread.sleep(20);
            System.out.println("both started; now an uncaught error");
            recurse(0);
        }

        private static int recurse(int depth) { return recurse(depth + 1) + 1; }
    }
}
