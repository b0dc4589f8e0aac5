package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local backend beyond the provider contract ({@link LocalProviderContractTest}): no process outlives the JVM. */
class LocalSandboxTest {
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
