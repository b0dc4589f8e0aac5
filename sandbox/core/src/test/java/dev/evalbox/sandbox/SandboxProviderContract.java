package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every {@link SandboxProvider} must do, run against each backend by a subclass: cells with
 * state, errors, time limits and interrupts, restart, files in and out (and the spec's files at
 * start), the limits the provider says it enforces, and reaping what a killed JVM left behind.
 * A new backend gets the same checks by adding a subclass of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
abstract class SandboxProviderContract {
    protected SandboxProvider provider;
    private Sandbox shared;

    /** Skips (or fails, when the backend is required) if the backend cannot run here; then makes the provider. */
    protected abstract SandboxProvider newProvider();

    /** Whether anything of the sandbox {@code id} (working in {@code workDir}) is still there. */
    protected abstract boolean remains(String id, String workDir);

    /** The spec the contract's sandboxes start from. */
    protected SandboxSpec.Builder spec() {
        return SandboxSpec.python().memory("512m").pidsLimit(128).timeout(Duration.ofSeconds(60))
                .interruptGrace(Duration.ofSeconds(2)).startTimeout(Duration.ofSeconds(120));
    }

    @BeforeAll
    void open() {
        provider = newProvider();
        shared = provider.open(spec().build());
    }

    @AfterAll
    void close() {
        if (shared != null) shared.close();
        if (provider != null) provider.close();
    }

    // ---- what the provider says about itself ---------------------------------------------------

    @Test
    void isFoundByNameAndAvailable() {
        assertTrue(SandboxProviders.names().contains(provider.name()), SandboxProviders.names().toString());
        SandboxProvider.Availability availability = provider.available(spec().build());
        assertTrue(availability.ok(), availability.reason());
        assertTrue(provider.enforces().contains(SandboxLimits.Limit.TIME), "every backend enforces the cell time limit");
        assertEquals(provider.name(), shared.backend());
    }

    // ---- cells -----------------------------------------------------------------------------------

    @Test
    void variablesPersistAndTheLastExpressionIsTheResult() {
        assertTrue(shared.execute("persisted = 20").ok());
        assertTrue(shared.execute("persisted += 1").ok());
        assertEquals("42", plain(shared.execute("persisted * 2")));
    }

    @Test
    void outputOfSubprocessesAndFileDescriptorsIsCapturedInOrder() {
        ExecutionResult result = shared.execute("import os\nprint('py', flush=True)\nos.system('echo child')\nos.write(2, b'raw\\n')");
        assertEquals(ExecutionStatus.OK, result.status(), result.toString());
        assertEquals("py\nchild\n", result.stdout());
        assertEquals("raw\n", result.stderr());
    }

    @Test
    void exceptionsAreErrorOutputs() {
        ExecutionResult result = shared.execute("def f():\n    raise ValueError('bad value')\nf()");
        assertEquals(ExecutionStatus.ERROR, result.status());
        Output.Error error = result.error().orElseThrow();
        assertEquals("ValueError", error.ename());
        assertEquals("bad value", error.evalue());
        assertTrue(String.join("\n", error.traceback()).contains("bad value"));
    }

    @Test
    void outputsStreamToTheListenerWhileTheCellRuns() {
        List<Output> seen = Collections.synchronizedList(new ArrayList<>());
        ExecutionResult result = shared.execute("import time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.05)",
                Duration.ofSeconds(30), seen::add);
        assertTrue(seen.size() >= 3, "streamed " + seen);
        assertEquals("0\n1\n2\n", result.stdout());
    }

    @Test
    void outputBeyondTheCapIsDroppedAndCounted() {
        try (Sandbox own = provider.open(spec().maxOutput("100k").build())) {
            ExecutionResult result = own.execute("for i in range(20000): print('x' * 99)");
            assertEquals(ExecutionStatus.OK, result.status());
            assertTrue(result.stdout().length() <= 100 * 1024, "stdout kept " + result.stdout().length());
            assertEquals(20000L * 100 - 100 * 1024, result.droppedBytes());
            assertTrue(result.stderr().contains("output limit reached"), result.stderr());
        }
    }

    // ---- time limits and interrupts --------------------------------------------------------------

    @Test
    void aTimeLimitInterruptsTheCellAndKeepsTheState() {
        shared.execute("kept = 'yes'");
        ExecutionResult result = shared.execute("import time\nwhile True: time.sleep(0.01)", Duration.ofMillis(500));
        assertEquals(ExecutionStatus.TIMEOUT, result.status(), result.toString());
        assertFalse(result.stateLost());
        assertEquals("'yes'", plain(shared.execute("kept")));
    }

    @Test
    void interruptFromAnotherThreadStopsASleepingCell() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        Thread interrupter = new Thread(() -> {
            try {
                if (sleeping.await(2, TimeUnit.MINUTES)) shared.interrupt();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-interrupter");
        interrupter.start();
        ExecutionResult result = shared.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)\nslept = True",
                Duration.ofSeconds(120), out -> {
                    if (out instanceof Output.Stream s && s.text().contains("sleeping")) sleeping.countDown();
                });
        interrupter.join(10_000);
        assertEquals(ExecutionStatus.ERROR, result.status(), result.toString());
        assertEquals("KeyboardInterrupt", result.error().orElseThrow().ename());
        assertFalse(result.stateLost());
        assertEquals("False", plain(shared.execute("'slept' in globals()")));
    }

    @Test
    void aCellIgnoringTheInterruptGetsTheSandboxRestarted() {
        try (Sandbox own = provider.open(spec().interruptGrace(Duration.ofMillis(500)).build())) {
            own.execute("a = 1");
            ExecutionResult result = own.execute("import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass",
                    Duration.ofMillis(300));
            assertEquals(ExecutionStatus.TIMEOUT, result.status());
            assertTrue(result.stateLost());
            assertTrue(own.isAlive());
            assertEquals("2", plain(own.execute("1 + 1")));
            assertEquals("NameError", own.execute("a").error().orElseThrow().ename());
        }
    }

    // ---- restart ---------------------------------------------------------------------------------

    @Test
    void restartGivesAFreshSessionWithoutStateOrFiles() {
        try (Sandbox own = provider.open(spec().build())) {
            String firstId = own.id();
            own.upload("x".getBytes(StandardCharsets.UTF_8), "file.txt");
            assertTrue(own.execute("value = 1").ok());
            own.restart();
            assertNotEquals(firstId, own.id());
            assertEquals("NameError", own.execute("value").error().orElseThrow().ename());
            assertTrue(own.list(".").stream().noneMatch(e -> e.name().equals("file.txt")), own.list(".").toString());
        }
    }

    @Test
    void anInterpreterThatDiesIsACrashUntilRestarted() {
        try (Sandbox own = provider.open(spec().build())) {
            own.execute("a = 1");
            ExecutionResult result = own.execute("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)");
            assertEquals(ExecutionStatus.CRASHED, result.status(), result.toString());
            assertTrue(result.message().contains("signal 9"), result.message());
            assertFalse(own.isAlive());
            own.restart();
            assertTrue(own.isAlive());
            assertEquals(ExecutionStatus.ERROR, own.execute("a").status(), "state is gone after restart");
        }
    }

    // ---- files -----------------------------------------------------------------------------------

    @Test
    void filesGoInAndOut() throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(data);
        shared.upload(data, "data/blob.bin");
        shared.upload("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "data/table.csv");

        List<FileEntry> entries = shared.list("data");
        assertEquals(List.of("blob.bin", "table.csv"), entries.stream().map(FileEntry::name).toList());
        assertEquals(FileEntry.Type.FILE, entries.get(0).type());
        assertEquals(data.length, entries.get(0).size());
        assertTrue(shared.list(".").stream().anyMatch(e -> e.name().equals("data") && e.type() == FileEntry.Type.DIRECTORY));

        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        assertEquals("'" + sha + "'", plain(shared.execute("import hashlib\nhashlib.sha256(open('data/blob.bin', 'rb').read()).hexdigest()")));
        assertTrue(shared.execute("with open('out.bin', 'wb') as f:\n    f.write(open('data/blob.bin', 'rb').read()[::-1])").ok());
        byte[] reversed = shared.download("out.bin");
        assertEquals(data.length, reversed.length);
        for (int i = 0; i < data.length; i++) {
            if (reversed[i] != data[data.length - 1 - i]) throw new AssertionError("byte " + i + " differs");
        }
        assertArrayEquals(data, shared.download("data/blob.bin"));
        assertEquals("a,b\n1,2\n", new String(shared.download("data/table.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void theSpecsInputsAreThereAtStartAndAfterARestartAndTheHostKeepsItsOwn(@TempDir Path host) throws IOException {
        Path inputs = Files.createDirectories(host.resolve("inputs"));
        Files.writeString(inputs.resolve("a.csv"), "x,y\n1,2\n");
        Files.createDirectories(inputs.resolve("nested/empty"));
        Files.writeString(inputs.resolve("nested/b.txt"), "bee");
        Path single = Files.writeString(host.resolve("single.txt"), "one");
        SandboxSpec withFiles = spec().input(inputs, "in").input(single, "extra/single.txt").build();
        try (Sandbox own = provider.open(withFiles)) {
            for (int session = 0; session < 2; session++) {
                assertEquals("'x,y\\n1,2\\n'", plain(own.execute("open('in/a.csv').read()")), "session " + session);
                assertEquals(List.of("a.csv", "nested"), own.list("in").stream().map(FileEntry::name).toList());
                assertEquals(List.of("b.txt", "empty"), own.list("in/nested").stream().map(FileEntry::name).toList());
                assertEquals("'bee one'", plain(own.execute("open('in/nested/b.txt').read() + ' ' + open('extra/single.txt').read()")));
                own.execute("open('in/a.csv', 'w').write('changed')"); // fails on a read-only input, changes a private copy otherwise
                own.restart();
            }
        }
        assertEquals("x,y\n1,2\n", Files.readString(inputs.resolve("a.csv")), "a sandbox changed the host's file");
    }

    @Test
    void aMissingInputIsAClearError(@TempDir Path host) {
        SandboxSpec missing = spec().input(host.resolve("nowhere"), "data").build();
        SandboxException e = org.junit.jupiter.api.Assertions.assertThrows(SandboxException.class, () -> provider.open(missing).close());
        assertTrue(e.getMessage().contains("nowhere") && e.getMessage().contains("does not exist"), e.getMessage());
    }

    // ---- limits, where the backend enforces them ---------------------------------------------------

    @Test
    void memoryLimit() {
        assumeEnforced(SandboxLimits.Limit.MEMORY);
        try (Sandbox own = provider.open(spec().memory("128m").build())) {
            ExecutionResult result = own.execute("block = bytearray(400 * 1024 * 1024)\nfor i in range(0, len(block), 4096): block[i] = 1");
            assertTrue(result.status() == ExecutionStatus.OOM || "MemoryError".equals(result.error().map(Output.Error::ename).orElse(null)),
                    result.toString());
        }
    }

    @Test
    void pidsLimit() {
        assumeEnforced(SandboxLimits.Limit.PIDS);
        try (Sandbox own = provider.open(spec().pidsLimit(32).build())) {
            ExecutionResult result = own.execute("import subprocess\nstarted = []\ntry:\n"
                    + "    for _ in range(64): started.append(subprocess.Popen(['sleep', '60']))\n"
                    + "finally:\n    count = len(started)\n    [p.kill() for p in started]\ncount", Duration.ofSeconds(60));
            assertEquals(ExecutionStatus.ERROR, result.status(), result.toString());
            assertTrue(plain(own.execute("count")).matches("\\d+") && Integer.parseInt(plain(own.execute("count"))) < 32,
                    "processes started under a limit of 32: " + plain(own.execute("count")));
        }
    }

    @Test
    void noNetwork() {
        assumeEnforced(SandboxLimits.Limit.NETWORK);
        assertEquals("['lo']", plain(shared.execute("import socket\nsorted(name for _, name in socket.if_nameindex())")));
        ExecutionResult refused = shared.execute("s = socket.socket()\ns.settimeout(3)\ns.connect(('127.0.0.1', 9))");
        assertEquals("ConnectionRefusedError", refused.error().orElseThrow().ename(), refused.toString());
    }

    @Test
    void readOnlyRoot() {
        assumeEnforced(SandboxLimits.Limit.READ_ONLY_ROOT);
        ExecutionResult result = shared.execute("open('/usr/evalbox-was-here', 'w')");
        assertEquals(ExecutionStatus.ERROR, result.status());
        assertTrue(result.error().orElseThrow().evalue().contains("Read-only file system"), result.toString());
        assertEquals("2", plain(shared.execute("open('/tmp/ok', 'w').write('ok')")));
    }

    @Test
    void workDirSize() {
        assumeEnforced(SandboxLimits.Limit.WORK_DIR_SIZE);
        try (Sandbox own = provider.open(spec().workDirSize("8m").build())) {
            ExecutionResult result = own.execute("open('big.bin', 'wb').write(b'0' * (32 * 1024 * 1024))");
            assertEquals(ExecutionStatus.ERROR, result.status(), result.toString());
            assertTrue(result.error().orElseThrow().evalue().contains("No space left"), result.toString());
        }
    }

    private void assumeEnforced(SandboxLimits.Limit limit) {
        Assumptions.assumeTrue(provider.enforces().contains(limit), "the " + provider.name() + " backend does not enforce " + limit);
    }

    // ---- reaping ---------------------------------------------------------------------------------

    @Test
    void reapRemovesWhatAKilledJvmLeftAndSparesTheLiving() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OrphaningJvm.class.getName(), provider.name()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String id;
        String workDir;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String[] ready = String.valueOf(out.readLine()).split(" ", 3);
            assertEquals("ready", ready[0], "the child JVM did not open its sandbox");
            id = ready[1];
            workDir = ready[2];
            assertTrue(remains(id, workDir), "the child's sandbox is not there while the child runs");
            provider.reap();
            assertTrue(remains(id, workDir), "reap took the sandbox of a live JVM");
        } finally {
            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs, the sandbox is orphaned
            jvm.waitFor(1, TimeUnit.MINUTES);
        }
        int reaped = provider.reap();
        assertTrue(reaped >= 1, "reaped " + reaped);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // removal may finish in the background: a hang guard
        while (remains(id, workDir) && System.nanoTime() < deadline) Thread.sleep(100);
        assertFalse(remains(id, workDir), "the killed JVM's sandbox " + id + " is still there");
        assertTrue(shared.isAlive() && "2".equals(plain(shared.execute("1 + 1"))), "this JVM's sandbox survived the reap");
    }

    /** A JVM that opens a sandbox of the named backend, says which, and waits to be killed. */
    static final class OrphaningJvm {
        public static void main(String[] args) throws IOException {
            SandboxSpec spec = SandboxSpec.python().build();
            SandboxProvider provider = SandboxProviders.open(args[0], spec, note -> { });
            Sandbox sandbox = provider.open(spec);
            String cwd = sandbox.execute("import os\nos.getcwd()").result().flatMap(Output.MimeBundle::plainText).orElseThrow();
            System.out.println("ready " + sandbox.id() + " " + cwd.substring(1, cwd.length() - 1));
            System.out.flush();
            System.in.read();
        }
    }

    static String plain(ExecutionResult result) {
        return result.result().flatMap(Output.MimeBundle::plainText).orElseThrow(() -> new AssertionError("no result: " + result));
    }
}
