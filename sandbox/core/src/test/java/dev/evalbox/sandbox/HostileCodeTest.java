package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile code in Docker sandboxes: every case ends with a clear recorded status while the JVM,
 * the provider and other sandboxes carry on, and no container is left behind (checked after each
 * test and, after {@link DockerSandboxProvider#close()}, for the whole class).
 */
@Tag("docker")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileCodeTest {
    /** Small limits keep the hostile cases fast. */
    private static final SandboxSpec SMALL = SandboxSpec.python()
            .memory("256m")
            .pidsLimit(64)
            .timeout(Duration.ofSeconds(5))
            .interruptGrace(Duration.ofSeconds(2))
            .workDirSize("64m")
            .maxOutput("1m")
            .startTimeout(Duration.ofSeconds(120))
            .build();

    private static DockerSandboxProvider provider;
    private static DockerClient docker;

    @BeforeAll
    static void start() {
        DockerRequired.check();
        docker = DockerEngine.connect();
        provider = new DockerSandboxProvider();
    }

    @AfterEach
    void noContainerOfThisTestIsLeft() {
        // Containers are removed in the background once their sandbox is closed or restarted.
        assertEquals(List.of(), awaitNoContainers(docker, provider.runId(), Duration.ofSeconds(90)),
                "containers left behind by this test");
    }

    @AfterAll
    static void stop() throws IOException {
        if (provider == null) return;
        String runId = provider.runId();
        provider.close();
        try {
            assertEquals(List.of(), containersOfRun(docker, runId), "containers left after provider.close()");
        } finally {
            docker.close();
        }
    }

    // ---- 1. infinite loop ---------------------------------------------------------------------

    @Test
    void infiniteLoopTimesOutAndKeepsTheSessionsState() {
        try (Sandbox sandbox = provider.open(SMALL)) {
            assertTrue(sandbox.execute("before = 'kept'").ok());
            ExecutionResult result = sandbox.execute("while True: pass", Duration.ofSeconds(2));
            report("infinite loop", result);
            assertEquals(ExecutionStatus.TIMEOUT, result.status());
            assertFalse(result.stateLost());
            assertEquals("KeyboardInterrupt", result.error().orElseThrow().ename());
            assertTrue(result.message().contains("state is kept"), result.message());
            assertTrue(sandbox.isAlive());
            ExecutionResult after = sandbox.execute("before + '!'");
            assertEquals(ExecutionStatus.OK, after.status());
            assertEquals("'kept!'", plain(after));
        }
    }

    // ---- 2. a loop that ignores SIGINT ---------------------------------------------------------

    @Test
    void loopIgnoringTheInterruptIsKilledAndTheSandboxRestarted() {
        try (Sandbox sandbox = provider.open(SMALL)) {
            assertTrue(sandbox.execute("before = 'will be lost'").ok());
            String firstId = sandbox.id();
            ExecutionResult result = sandbox.execute(
                    "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: pass", Duration.ofSeconds(2));
            report("loop ignoring SIGINT", result);
            assertEquals(ExecutionStatus.TIMEOUT, result.status());
            assertTrue(result.stateLost());
            assertTrue(result.message().contains("killed and restarted"), result.message());
            // Restarted automatically: a fresh container, usable at once, without the old variables.
            assertTrue(sandbox.isAlive());
            assertNotEquals(firstId, sandbox.id());
            assertEquals("2", plain(sandbox.execute("1 + 1")));
            ExecutionResult gone = sandbox.execute("before");
            assertEquals(ExecutionStatus.ERROR, gone.status());
            assertEquals("NameError", gone.error().orElseThrow().ename());
            // The fresh session's cells can be interrupted again (SIGINT is handled as usual).
            assertEquals(ExecutionStatus.TIMEOUT, sandbox.execute("while True: pass", Duration.ofSeconds(1)).status());
            assertEquals("3", plain(sandbox.execute("1 + 2")));
        }
    }

    // ---- 3. fork bombs -------------------------------------------------------------------------

    @Test
    void forkBombsAreContainedByThePidsLimit() throws Exception {
        // Memory large enough for 64 copies of the interpreter, so the pids limit is what stops the
        // bomb (with 256m the copies exhaust memory first and the sandbox ends as OOM).
        SandboxSpec spec = SMALL.toBuilder().memory("1g").build();
        try (Sandbox sandbox = provider.open(spec)) {
            assertTrue(sandbox.execute(String.join("\n",
                    "import os, subprocess, time",
                    "before = 'kept'",
                    "def running_others():",
                    "    # every process but the driver (PID 1) and the runner (this one) that is not a zombie",
                    "    found = []",
                    "    for p in os.listdir('/proc'):",
                    "        if p.isdigit() and int(p) not in (1, os.getpid()):",
                    "            try:",
                    "                state = open('/proc/%s/stat' % p).read().rsplit(')', 1)[1].split()[0]",
                    "            except OSError:",
                    "                continue",
                    "            if state != 'Z':",
                    "                found.append(p)",
                    "    return found",
                    "def survivors():",
                    "    deadline = time.monotonic() + 30",
                    "    while running_others() and time.monotonic() < deadline:",
                    "        time.sleep(0.2)",
                    "    return len(running_others())")).ok());
            ExecutionResult bomb = sandbox.execute("while True:\n    os.fork()", Duration.ofSeconds(5));
            report("python fork bomb", bomb);
            // The interpreter's own fork fails at the pids limit, and the cell ends with that error unless the
            // deadline comes first (KeyboardInterrupt) or while the error is being shown on a CPU the copies share
            // (TIMEOUT with the fork's error). The error is BlockingIOError, or OSError with errno 0 when an
            // interrupt lands in one of os.fork()'s Python hooks, which leaves errno cleared. Either way the
            // copies are gone after it.
            assertTrue(bomb.status() == ExecutionStatus.TIMEOUT || bomb.status() == ExecutionStatus.ERROR,
                    "status " + bomb.status() + " " + bomb.message());
            assertFalse(bomb.stateLost(), bomb.message());
            String ename = bomb.error().map(Output.Error::ename).orElse("no error");
            assertTrue(Set.of("BlockingIOError", "OSError").contains(ename)
                    || bomb.status() == ExecutionStatus.TIMEOUT && ename.equals("KeyboardInterrupt"), bomb.toString());
            assertTrue(sandbox.isAlive());
            // The host still starts processes: the bomb used the container's pids budget, not the host's.
            assertEquals(0, new ProcessBuilder("true").start().waitFor());
            // The forked copies of the interpreter end with the cell (or at its deadline) instead of lingering
            // as extra runners that hold the pids budget; only the driver and the runner are left.
            ExecutionResult survivors = sandbox.execute("survivors()", Duration.ofSeconds(60));
            assertEquals("0", plain(survivors), survivors.toString());
            // State kept, and processes can be started again in place.
            assertEquals("'kept'", plain(sandbox.execute("before")));
            ExecutionResult echo = sandbox.execute("subprocess.run(['echo', 'after the bomb']).returncode");
            assertEquals("0", plain(echo), echo.toString());
            assertEquals("after the bomb\n", echo.stdout());

            // The classic shell fork bomb, left running while the cell waits: its processes are orphans
            // (adopted by the driver, PID 1, no longer the runner's descendants) that fork as fast as pids free up.
            // At the deadline they are stopped and killed, and the session goes on with its state. The cell waits on
            // a sleeper of its own, started first: a shell that waited itself (`f; exec sleep 1000`) ends at once
            // whenever its own second fork loses the race for pids against its first child's bomb, and the cell
            // then ends OK before its deadline (it did in 3 of 6 fresh sandboxes with 62 free pids, 0 of 6 with 57).
            ExecutionResult shellBomb = sandbox.execute(String.join("\n",
                    "sleeper = subprocess.Popen(['sleep', '1000'])",
                    "subprocess.Popen(['sh', '-c', 'f(){ f|f& };f'])",
                    "sleeper.wait()"), Duration.ofSeconds(5));
            report("shell fork bomb", shellBomb);
            assertEquals(ExecutionStatus.TIMEOUT, shellBomb.status(), shellBomb.toString());
            assertFalse(shellBomb.stateLost(), shellBomb.message());
            assertTrue(shellBomb.message().matches(".*; \\d+ process(es)? the cell started (was|were) killed; .*"),
                    shellBomb.message());
            assertTrue(sandbox.isAlive());
            ExecutionResult afterShellBomb = sandbox.execute("survivors()", Duration.ofSeconds(60));
            assertEquals("0", plain(afterShellBomb), afterShellBomb.toString());
            assertEquals("'kept'", plain(sandbox.execute("before")));

            // Whatever the bombs left behind, a restart gives a clean sandbox that runs code and processes.
            sandbox.restart();
            ExecutionResult fresh = sandbox.execute("import os\nos.system('echo fresh')");
            assertEquals(ExecutionStatus.OK, fresh.status(), fresh.toString());
            assertEquals("fresh\n", fresh.stdout());
        }
    }

    // ---- 4. memory bomb ------------------------------------------------------------------------

    @Test
    void memoryBombIsKilledAsOomAndRestartRecovers() {
        try (Sandbox sandbox = provider.open(SMALL)) {
            assertTrue(sandbox.execute("before = 1").ok());
            ExecutionResult result = sandbox.execute("hog = []\nwhile True:\n    hog.append(bytearray(2**26))");
            report("memory bomb (growing list)", result);
            // The allocations succeed (overcommit) until the cgroup's OOM killer kills the interpreter.
            assertEquals(ExecutionStatus.OOM, result.status(), result.toString());
            assertTrue(result.stateLost());
            assertTrue(result.message().contains("ran out of memory (limit 256 MiB)"), result.message());
            assertFalse(sandbox.isAlive());
            ExecutionResult dead = sandbox.execute("1");
            assertEquals(ExecutionStatus.CRASHED, dead.status());
            assertTrue(dead.message().contains("call restart()"), dead.message());

            sandbox.restart();
            assertTrue(sandbox.isAlive());
            assertEquals("NameError", sandbox.execute("before").error().orElseThrow().ename());

            ExecutionResult single = sandbox.execute("x = bytearray(2**30)");
            report("memory bomb (one 1 GiB bytearray)", single);
            assertEquals(ExecutionStatus.OOM, single.status(), single.toString());
            sandbox.restart();
            assertEquals("42", plain(sandbox.execute("6 * 7")));
        }
    }

    // ---- 5. printing 1 GB ----------------------------------------------------------------------

    @Test
    void printingAGigabyteIsCappedInTheSandbox() {
        AtomicLong streamedChars = new AtomicLong();
        Runtime runtime = Runtime.getRuntime();
        try (Sandbox sandbox = provider.open(SMALL)) {
            ExecutionResult result = sandbox.execute("import sys\nfor _ in range(1024): sys.stdout.write('x' * 2**20)",
                    Duration.ofSeconds(60), out -> {
                        if (out instanceof Output.Stream s) streamedChars.addAndGet(s.text().length());
                    });
            report("printing 1 GiB", result);
            assertTrue(result.status() == ExecutionStatus.OK || result.status() == ExecutionStatus.TIMEOUT,
                    result.status() + " " + result.message());
            long cap = SMALL.maxOutputBytes();
            assertTrue(result.stdout().length() <= cap, "stdout kept " + result.stdout().length());
            assertTrue(result.droppedBytes() > 0);
            if (result.status() == ExecutionStatus.OK) {
                assertEquals((1L << 30) - cap, result.droppedBytes());
                assertEquals(cap, result.stdout().length());
            }
            assertTrue(result.stderr().contains("output limit reached"), result.stderr());
            // The cap is applied in the sandbox: only about maxOutput ever reached the JVM.
            assertTrue(streamedChars.get() <= cap + 4096, "streamed " + streamedChars.get());
            long kept = result.outputs().stream().mapToLong(o -> o instanceof Output.Stream st ? st.text().length() : 0).sum();
            assertTrue(kept <= cap + 4096, "the result holds " + kept + " chars");
            System.out.printf("[hostile] printing 1 GiB: heap in use afterwards %d MiB of %d MiB%n",
                    (runtime.totalMemory() - runtime.freeMemory()) >> 20, runtime.maxMemory() >> 20);
            assertEquals("'still here'", plain(sandbox.execute("'still here'")));
        }
    }

    // ---- 6. filling the disk -------------------------------------------------------------------

    @Test
    void fillingTheWorkDirEndsInNoSpaceLeft() {
        try (Sandbox sandbox = provider.open(SMALL)) {
            ExecutionResult result = sandbox.execute(
                    "with open('/work/fill', 'wb') as f:\n    while True:\n        f.write(b'\\0' * 2**20)",
                    Duration.ofSeconds(30));
            report("filling /work", result);
            assertEquals(ExecutionStatus.ERROR, result.status());
            Output.Error error = result.error().orElseThrow();
            assertEquals("OSError", error.ename());
            assertTrue(error.evalue().contains("No space left on device"), error.evalue());
            // The tmpfs stopped it at its size; freeing the space makes the work dir usable again.
            long size = Long.parseLong(plain(sandbox.execute("import os\nos.path.getsize('/work/fill')")));
            assertTrue(size <= 64L << 20, "wrote " + size);
            assertTrue(sandbox.execute("os.remove('/work/fill')\nopen('/work/ok.txt', 'w').write('ok')").ok());
            assertEquals("ok", new String(sandbox.download("ok.txt"), StandardCharsets.UTF_8));
        }
    }

    // ---- 7. reading host paths -----------------------------------------------------------------

    @Test
    void hostFilesAreNotVisible() throws IOException {
        Path secret = Files.createTempFile("evalbox-secret", ".txt");
        try (Sandbox sandbox = provider.open(SMALL)) {
            Files.writeString(secret, "host secret 7d1f");
            ExecutionResult read = sandbox.execute("open(" + pyString(secret.toAbsolutePath().toString()) + ").read()");
            report("reading a host temp file", read);
            assertEquals(ExecutionStatus.ERROR, read.status());
            assertEquals("FileNotFoundError", read.error().orElseThrow().ename());
            assertFalse(read.toString().contains("host secret 7d1f"));

            ExecutionResult shadow = sandbox.execute("open('/etc/shadow').read()");
            report("reading /etc/shadow", shadow);
            assertEquals(ExecutionStatus.ERROR, shadow.status());
            assertEquals("PermissionError", shadow.error().orElseThrow().ename());

            ExecutionResult socket = sandbox.execute("import os\nos.path.exists('/var/run/docker.sock'), os.path.exists('/run/docker.sock')");
            assertEquals("(False, False)", plain(socket));

            assertTrue(sandbox.execute("1").ok()); // the sandbox carries on
        } finally {
            Files.deleteIfExists(secret);
        }
    }

    // ---- 8. writing outside the work dir -------------------------------------------------------

    @Test
    void writingOutsideTheWorkDirFails() {
        try (Sandbox sandbox = provider.open(SMALL)) {
            for (String path : List.of("/usr/lib/x", "/etc/x", "/x")) {
                ExecutionResult result = sandbox.execute("open('" + path + "', 'w').write('x')");
                report("writing " + path, result);
                assertEquals(ExecutionStatus.ERROR, result.status(), path);
                Output.Error error = result.error().orElseThrow();
                assertTrue(error.evalue().contains("Read-only file system") || error.evalue().contains("Permission denied"),
                        path + ": " + error.ename() + ": " + error.evalue());
            }
            assertTrue(sandbox.execute("open('/work/inside.txt', 'w').write('fine')").ok());
        }
    }

    // ---- 9. killing its own interpreter --------------------------------------------------------

    @Test
    void killingItsOwnInterpreterIsCrashedUntilRestart() {
        try (Sandbox sandbox = provider.open(SMALL)) {
            ExecutionResult killed = sandbox.execute("import os\nos.kill(os.getpid(), 9)");
            report("os.kill(os.getpid(), 9)", killed);
            assertEquals(ExecutionStatus.CRASHED, killed.status());
            assertTrue(killed.stateLost());
            assertTrue(killed.message().contains("killed by signal 9"), killed.message());
            assertFalse(sandbox.isAlive());
            assertEquals(ExecutionStatus.CRASHED, sandbox.execute("1").status());
            assertThrowsSandboxException(() -> sandbox.list("."));

            sandbox.restart();
            assertTrue(sandbox.isAlive());
            assertEquals("2", plain(sandbox.execute("1 + 1")));

            ExecutionResult exited = sandbox.execute("import os\nos._exit(3)");
            report("os._exit(3)", exited);
            assertEquals(ExecutionStatus.CRASHED, exited.status());
            assertTrue(exited.message().contains("exited with code 3"), exited.message());
            assertFalse(sandbox.isAlive());

            sandbox.restart();
            assertEquals("'back'", plain(sandbox.execute("'back'")));
        }
    }

    // ---- 10. connecting to the host ------------------------------------------------------------

    @Test
    void noConnectionReachesAListenerOnTheHost() throws Exception {
        String gateway = bridgeGateway();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress("0.0.0.0", 0));
            server.setSoTimeout(200);
            int port = server.getLocalPort();
            AtomicInteger accepted = new AtomicInteger();
            List<String> from = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch stop = new CountDownLatch(1);
            CountDownLatch firstAccepted = new CountDownLatch(1);
            Thread acceptor = new Thread(() -> {
                while (stop.getCount() > 0) {
                    try (Socket client = server.accept()) {
                        accepted.incrementAndGet();
                        from.add(String.valueOf(client.getRemoteSocketAddress()));
                        firstAccepted.countDown();
                    } catch (SocketTimeoutException e) {
                        // poll the stop flag
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "test-acceptor");
            acceptor.start();
            // The listener works: a connection from the JVM itself is counted.
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
            }
            assertTrue(firstAccepted.await(60, TimeUnit.SECONDS), "the listener did not see the JVM's own probe");
            assertEquals(1, accepted.get(), "the listener saw more than the JVM's own probe");
            accepted.set(0);
            from.clear();

            try (Sandbox sandbox = provider.open(SMALL)) {
                for (String host : List.of(gateway, "127.0.0.1")) {
                    ExecutionResult result = sandbox.execute("import socket\n"
                            + "s = socket.socket()\ns.settimeout(3)\ns.connect(('" + host + "', " + port + "))", Duration.ofSeconds(30));
                    report("connect to " + host + ":" + port, result);
                    assertEquals(ExecutionStatus.ERROR, result.status(), host);
                    String ename = result.error().orElseThrow().ename();
                    assertTrue(Set.of("OSError", "ConnectionRefusedError", "TimeoutError").contains(ename),
                            host + ": " + ename + ": " + result.error().orElseThrow().evalue());
                }
                ExecutionResult interfaces = sandbox.execute("import socket\nsorted(name for _, name in socket.if_nameindex())");
                assertEquals("['lo']", plain(interfaces));
            } finally {
                stop.countDown();
                acceptor.join(10_000);
            }
            assertEquals(0, accepted.get(), "connections reached the host listener from " + from);
        }
    }

    // ---- 11. twenty sandboxes at once ----------------------------------------------------------

    @Test
    void twentySandboxesAtOnceEachGetTheirOwnResult() throws Exception {
        int n = 20;
        SandboxSpec spec = SMALL.toBuilder().timeout(Duration.ofSeconds(120)).build();
        ExecutorService threads = Executors.newFixedThreadPool(n);
        List<Sandbox> sandboxes = Collections.synchronizedList(new ArrayList<>());
        try {
            List<Future<Sandbox>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opening.add(threads.submit(() -> {
                    Sandbox s = provider.open(spec);
                    sandboxes.add(s);
                    return s;
                }));
            }
            List<Sandbox> opened = new ArrayList<>();
            for (Future<Sandbox> f : opening) opened.add(f.get(5, TimeUnit.MINUTES));
            Set<String> ids = new HashSet<>();
            opened.forEach(s -> ids.add(s.id()));
            assertEquals(n, ids.size(), "distinct containers");
            long running = containersOfRun(docker, provider.runId()).stream().filter(c -> "running".equals(c.getState())).count();
            assertEquals(n, running, "all sandboxes alive at once");

            List<Future<ExecutionResult>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Sandbox s = opened.get(i);
                results.add(threads.submit(() -> s.execute("import socket, time\nindex = " + index
                        + "\ntime.sleep(1)\n(index * index, socket.gethostname())")));
            }
            for (int i = 0; i < n; i++) {
                ExecutionResult r = results.get(i).get(5, TimeUnit.MINUTES);
                assertEquals(ExecutionStatus.OK, r.status(), "sandbox " + i + ": " + r);
                // Its own result, computed in its own container (the hostname is the container id).
                assertEquals("(" + (i * i) + ", '" + opened.get(i).id() + "')", plain(r), "sandbox " + i);
            }
        } finally {
            sandboxes.forEach(Sandbox::close);
            threads.shutdownNow();
        }
    }

    // ---- others carry on -----------------------------------------------------------------------

    @Test
    void otherSandboxesAndThePoolCarryOnWhileOneSpins() throws Exception {
        try (SandboxPool pool = new SandboxPool(provider, 1, 4);
             Sandbox hostile = pool.acquire(SMALL);
             Sandbox other = pool.acquire(SMALL)) {
            CountDownLatch spinning = new CountDownLatch(1);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                // No time limit: the loop spins until interrupted.
                Future<ExecutionResult> spin = thread.submit(() -> hostile.execute(
                        "print('spinning', flush=True)\nwhile True: pass", Duration.ZERO, out -> {
                            if (out instanceof Output.Stream s && s.text().contains("spinning")) spinning.countDown();
                        }));
                assertTrue(spinning.await(2, TimeUnit.MINUTES), "the hostile cell did not start");
                for (int i = 0; i < 5; i++) {
                    ExecutionResult r = other.execute("sum(range(" + i + " * 1000))");
                    assertEquals(String.valueOf((long) i * 1000 * (i * 1000 - 1) / 2), plain(r));
                }
                try (Sandbox third = pool.acquire(SMALL)) {
                    assertEquals("'third'", plain(third.execute("'third'")));
                }
                assertFalse(spin.isDone(), "the hostile cell stopped on its own");
                hostile.interrupt();
                ExecutionResult stopped = spin.get(2, TimeUnit.MINUTES);
                report("spinning cell interrupted", stopped);
                assertEquals(ExecutionStatus.ERROR, stopped.status());
                assertEquals("KeyboardInterrupt", stopped.error().orElseThrow().ename());
                assertEquals("'spun'", plain(hostile.execute("'spun'")));
            } finally {
                thread.shutdownNow();
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static void assertThrowsSandboxException(Runnable action) {
        try {
            action.run();
            fail("expected a SandboxException");
        } catch (SandboxException expected) {
            // expected
        }
    }

    /** The host's address on Docker's default bridge (what a container would use to reach the host). */
    private static String bridgeGateway() throws IOException {
        Network bridge = docker.inspectNetworkCmd().withNetworkId("bridge").exec();
        if (bridge.getIpam() != null && bridge.getIpam().getConfig() != null) {
            for (Network.Ipam.Config config : bridge.getIpam().getConfig()) {
                if (config.getGateway() != null && !config.getGateway().isBlank()) return config.getGateway();
            }
        }
        String name = bridge.getOptions() == null ? null : bridge.getOptions().get("com.docker.network.bridge.name");
        NetworkInterface nic = NetworkInterface.getByName(name == null ? "docker0" : name);
        if (nic != null) {
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address) return address.getHostAddress();
            }
        }
        return "172.17.0.1";
    }

    static String plain(ExecutionResult result) {
        return result.result().flatMap(Output.MimeBundle::plainText)
                .orElseThrow(() -> new AssertionError("no result: " + result));
    }

    private static String pyString(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    static void report(String what, ExecutionResult result) {
        String error = result.error().map(e -> e.ename() + ": " + e.evalue()).orElse("-");
        System.out.printf("[hostile] %s -> %s stateLost=%s dropped=%d error=%s message=%s%n",
                what, result.status(), result.stateLost(), result.droppedBytes(), error, result.message());
    }

    static List<Container> containersOfRun(DockerClient docker, String runId) {
        return docker.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(DockerSandboxProvider.LABEL_RUN, runId)).exec();
    }

    /** Waits (as a hang guard, not a speed check) until the run has no container; returns those left. */
    static List<String> awaitNoContainers(DockerClient docker, String runId, Duration guard) {
        long deadline = System.nanoTime() + guard.toNanos();
        while (true) {
            List<String> left = containersOfRun(docker, runId).stream()
                    .map(c -> c.getId().substring(0, 12) + " " + c.getState()).toList();
            if (left.isEmpty() || System.nanoTime() > deadline) return left;
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return left;
            }
        }
    }

    static boolean containerExists(DockerClient docker, String id) {
        try {
            InspectContainerResponse ignored = docker.inspectContainerCmd(id).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }
}
