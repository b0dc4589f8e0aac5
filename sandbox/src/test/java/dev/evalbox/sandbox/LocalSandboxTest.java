package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver protocol end to end on the local backend (a child Python process; no Docker needed). */
class LocalSandboxTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new LocalSandboxProvider().open(SandboxSpec.python().interruptGrace(Duration.ofSeconds(2)).maxOutput("100k").build());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void variablesPersistAndLastExpressionIsTheResult() {
        assertTrue(sandbox.execute("x = 20").ok());
        ExecutionResult result = sandbox.execute("x * 2 + 2");
        assertEquals(ExecutionStatus.OK, result.status());
        assertEquals("42", result.result().orElseThrow().plainText().orElseThrow());
    }

    @Test
    void capturesOutputOfSubprocessesAndCExtensionsInOrder() {
        ExecutionResult result = sandbox.execute("import os\nprint('py', flush=True)\nos.system('echo child')\nos.write(2, b'raw\\n')");
        assertEquals("py\nchild\n", result.stdout());
        assertEquals("raw\n", result.stderr());
    }

    @Test
    void exceptionsBecomeErrorOutputs() {
        ExecutionResult result = sandbox.execute("def f():\n    raise ValueError('bad value')\nf()");
        assertEquals(ExecutionStatus.ERROR, result.status());
        Output.Error error = result.error().orElseThrow();
        assertEquals("ValueError", error.ename());
        assertEquals("bad value", error.evalue());
        assertTrue(String.join("\n", error.traceback()).contains("bad value"));
    }

    @Test
    void timeoutInterruptsAndKeepsState() {
        sandbox.execute("kept = 'yes'");
        ExecutionResult result = sandbox.execute("import time\nwhile True: time.sleep(0.01)", Duration.ofMillis(500));
        assertEquals(ExecutionStatus.TIMEOUT, result.status());
        assertFalse(result.stateLost());
        assertEquals("'yes'", sandbox.execute("kept").result().orElseThrow().plainText().orElseThrow());
    }

    @Test
    void outputIsCappedAndTheDropIsReported() {
        ExecutionResult result = sandbox.execute("for i in range(20000): print('x' * 99)");
        assertEquals(ExecutionStatus.OK, result.status());
        assertTrue(result.stdout().length() <= 100 * 1024, "stdout kept " + result.stdout().length());
        assertEquals(20000L * 100 - 100 * 1024, result.droppedBytes());
        assertTrue(result.stderr().contains("output limit reached"), result.stderr());
    }

    @Test
    void outputsStreamToTheListenerWhileTheCellRuns() {
        List<Output> seen = Collections.synchronizedList(new ArrayList<>());
        ExecutionResult result = sandbox.execute("import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.05)",
                Duration.ofSeconds(10), seen::add);
        assertTrue(seen.size() >= 3, "streamed " + seen);
        assertEquals("0\n1\n2\n", result.stdout());
    }

    @Test
    void filesGoInAndOut() {
        byte[] content = new byte[3 * 1024 * 1024 + 7];
        for (int i = 0; i < content.length; i++) content[i] = (byte) (i * 31);
        sandbox.upload(content, "data/blob.bin");
        sandbox.upload("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "data/t.csv");
        assertEquals(String.valueOf(content.length), sandbox.execute("import os\nos.path.getsize('data/blob.bin')").result().orElseThrow().plainText().orElseThrow());
        assertTrue(java.util.Arrays.equals(content, sandbox.download("data/blob.bin")));
        List<String> names = sandbox.list("data").stream().map(FileEntry::name).toList();
        assertEquals(List.of("blob.bin", "t.csv"), names);
    }

    @Test
    void killingItsOwnInterpreterIsACrashAndRestartRecovers() {
        try (Sandbox own = new LocalSandboxProvider().open(SandboxSpec.python().build())) {
            own.execute("a = 1");
            ExecutionResult result = own.execute("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)");
            assertEquals(ExecutionStatus.CRASHED, result.status());
            assertTrue(result.message().contains("signal 9"), result.message());
            assertFalse(own.isAlive());
            own.restart();
            assertTrue(own.isAlive());
            assertEquals(ExecutionStatus.ERROR, own.execute("a").status(), "state is gone after restart");
        }
    }

    @Test
    void aCellIgnoringTheInterruptIsKilledAndTheSandboxRestarted() {
        try (Sandbox own = new LocalSandboxProvider().open(SandboxSpec.python().interruptGrace(Duration.ofMillis(500)).build())) {
            own.execute("a = 1");
            ExecutionResult result = own.execute("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass",
                    Duration.ofMillis(300));
            assertEquals(ExecutionStatus.TIMEOUT, result.status());
            assertTrue(result.stateLost());
            assertTrue(own.isAlive());
            assertEquals("2", own.execute("1 + 1").result().orElseThrow().plainText().orElseThrow());
            assertEquals("NameError", own.execute("a").error().orElseThrow().ename());
        }
    }

    // ---- no child outlives the JVM -------------------------------------------------------------

    @Test
    void noProcessOfALocalSandboxOutlivesAJvmThatDiesOfAnUncaughtError(@TempDir Path temp) throws Exception {
        String marker = "evalbox-test-" + UUID.randomUUID();
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path errors = temp.resolve("stderr.txt");
        Process jvm = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                DyingJvm.class.getName(), marker).redirectError(errors.toFile()).start();
        List<ProcessHandle> marked = List.of();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String ready = out.readLine();
            assertEquals("ready", ready, () -> "the child JVM did not open its sandbox: " + read(errors));
            // The driver, its runner and the process a cell started carry the marker in their environment.
            marked = processesMarked(marker);
            assertTrue(marked.size() >= 3, "processes with the marker: " + describe(marked));
            jvm.getOutputStream().write('\n');
            jvm.getOutputStream().flush();
            assertTrue(jvm.waitFor(2, TimeUnit.MINUTES), "the child JVM did not end");
            String stderr = read(errors);
            assertEquals(1, jvm.exitValue(), stderr);
            assertTrue(stderr.contains("DyingJvm dies of an uncaught error"), stderr);
            for (ProcessHandle process : marked) {
                try {
                    process.onExit().get(60, TimeUnit.SECONDS); // a hang guard, not a speed check
                } catch (TimeoutException e) {
                    fail("still running a minute after its JVM died: " + describe(List.of(process)));
                }
            }
            assertEquals(List.of(), processesMarked(marker).stream().map(ProcessHandle::pid).toList());
        } finally {
            jvm.destroyForcibly();
            marked.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** The processes of this user whose environment holds EVALBOX_TEST_MARKER=marker. */
    private static List<ProcessHandle> processesMarked(String marker) throws IOException {
        byte[] needle = ("EVALBOX_TEST_MARKER=" + marker).getBytes(StandardCharsets.UTF_8);
        List<ProcessHandle> found = new ArrayList<>();
        try (DirectoryStream<Path> proc = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : proc) {
                byte[] environ;
                try {
                    environ = Files.readAllBytes(dir.resolve("environ"));
                } catch (IOException e) {
                    continue; // gone, or another user's
                }
                if (indexOf(environ, needle) >= 0) {
                    ProcessHandle.of(Long.parseLong(dir.getFileName().toString())).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(p -> p.pid() + " " + p.info().command().orElse("?")).toList().toString();
    }

    /** A JVM that opens a local sandbox, has a cell start a process, and dies of an uncaught error. */
    static final class DyingJvm {
        public static void main(String[] args) throws IOException {
            Sandbox sandbox = new LocalSandboxProvider().open(SandboxSpec.python().env("EVALBOX_TEST_MARKER", args[0]).build());
            ExecutionResult started = sandbox.execute("import subprocess\nchild = subprocess.Popen(['sleep', '600'])");
            if (!started.ok()) throw new IllegalStateException("the cell failed: " + started);
            System.out.println("ready");
            System.out.flush();
            System.in.read(); // the test looks for the processes first
            throw new IllegalStateException("DyingJvm dies of an uncaught error, its sandbox still open");
        }
    }
}
