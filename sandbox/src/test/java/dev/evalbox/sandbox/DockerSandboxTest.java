package dev.evalbox.sandbox;

import static dev.evalbox.sandbox.HostileCodeTest.containerExists;
import static dev.evalbox.sandbox.HostileCodeTest.containersOfRun;
import static dev.evalbox.sandbox.HostileCodeTest.plain;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sandbox on Docker: Jupyter-like behaviour, files, interrupts, and the container's hardening. */
@Tag("docker")
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DockerSandboxTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final SandboxSpec SPEC = SandboxSpec.python()
            .memory("512m")
            .pidsLimit(128)
            .timeout(Duration.ofSeconds(60))
            .interruptGrace(Duration.ofSeconds(2))
            .startTimeout(Duration.ofSeconds(120))
            .build();

    private static DockerSandboxProvider provider;
    private static DockerClient docker;
    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        DockerRequired.check();
        docker = DockerEngine.connect();
        provider = new DockerSandboxProvider();
        sandbox = provider.open(SPEC);
    }

    @AfterAll
    static void stop() throws IOException {
        if (provider == null) return;
        String runId = provider.runId();
        try {
            if (sandbox != null) sandbox.close();
            provider.close();
            assertEquals(List.of(), containersOfRun(docker, runId), "containers left after provider.close()");
        } finally {
            docker.close();
        }
    }

    @Test
    void variablesPersistAcrossCells() {
        assertEquals("ipython", sandbox.info().runner());
        assertTrue(sandbox.execute("persisted = 20").ok());
        assertTrue(sandbox.execute("persisted += 1").ok());
        ExecutionResult result = sandbox.execute("persisted * 2");
        assertEquals(ExecutionStatus.OK, result.status());
        assertEquals("42", plain(result));
    }

    @Test
    void outputOfSubprocessesIsCaptured() {
        ExecutionResult result = sandbox.execute("import os\nprint('py', flush=True)\nstatus = os.system('echo hi')\nos.write(2, b'raw\\n')\nstatus");
        assertEquals(ExecutionStatus.OK, result.status());
        assertEquals("py\nhi\n", result.stdout());
        assertEquals("raw\n", result.stderr());
        assertEquals("0", plain(result));
    }

    @Test
    void shellEscapeWorksWithIPython() {
        ExecutionResult result = sandbox.execute("!echo bang");
        assertEquals(ExecutionStatus.OK, result.status(), result.toString());
        // IPython runs `!` commands on a pty, so lines end in \r\n (as in Jupyter).
        assertEquals("bang\n", result.stdout().replace("\r\n", "\n"));
    }

    @Test
    void matplotlibFigureComesBackAsPng() {
        ExecutionResult result = sandbox.execute("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.title('t')\nplt.show()");
        assertEquals(ExecutionStatus.OK, result.status(), result.toString());
        List<Output.DisplayData> displays = result.displays();
        assertEquals(1, displays.size(), result.outputs().toString());
        byte[] png = displays.get(0).png().orElseThrow();
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        assertTrue(png.length > 1000, "png of " + png.length + " bytes");
    }

    @Test
    void pilImageAsLastExpressionIsPng() {
        ExecutionResult result = sandbox.execute("from PIL import Image\nImage.new('RGB', (32, 16), 'red')");
        assertEquals(ExecutionStatus.OK, result.status(), result.toString());
        Output.ExecuteResult value = result.result().orElseThrow();
        byte[] png = value.png().orElseThrow();
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        // IHDR: width and height are the first fields after the signature and chunk header.
        assertEquals(32, java.nio.ByteBuffer.wrap(png, 16, 4).getInt());
        assertEquals(16, java.nio.ByteBuffer.wrap(png, 20, 4).getInt());
        assertEquals(List.of(png.length), result.images().stream().map(b -> b.length).toList());
    }

    @Test
    void binaryReprsAreBase64() {
        ExecutionResult result = sandbox.execute("from IPython.display import Image, display\n"
                + "import io\nfrom PIL import Image as PilImage\nbuffer = io.BytesIO()\n"
                + "PilImage.new('L', (3, 5)).save(buffer, 'PNG')\ndisplay(Image(data=buffer.getvalue()))");
        assertEquals(ExecutionStatus.OK, result.status(), result.toString());
        byte[] png = result.displays().get(0).png().orElseThrow();
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8));
        assertEquals(3, java.nio.ByteBuffer.wrap(png, 16, 4).getInt());
    }

    @Test
    void exceptionsAreErrorOutputs() {
        ExecutionResult result = sandbox.execute("def f():\n    raise ValueError('bad value')\nf()");
        assertEquals(ExecutionStatus.ERROR, result.status());
        Output.Error error = result.error().orElseThrow();
        assertEquals("ValueError", error.ename());
        assertEquals("bad value", error.evalue());
        assertTrue(String.join("\n", error.traceback()).contains("bad value"));
    }

    @Test
    void uploadListDownloadRoundTrip() throws NoSuchAlgorithmException {
        byte[] data = new byte[3 * 1024 * 1024 + 12345];
        new Random(42).nextBytes(data);
        sandbox.upload(data, "data/blob.bin");
        sandbox.upload("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8), "/work/data/table.csv");

        List<FileEntry> entries = sandbox.list("data");
        assertEquals(List.of("blob.bin", "table.csv"), entries.stream().map(FileEntry::name).toList());
        assertEquals(FileEntry.Type.FILE, entries.get(0).type());
        assertEquals(data.length, entries.get(0).size());
        assertTrue(sandbox.list(".").stream().anyMatch(e -> e.name().equals("data") && e.type() == FileEntry.Type.DIRECTORY));

        // The code in the sandbox sees the same bytes.
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        ExecutionResult hashed = sandbox.execute("import hashlib\nhashlib.sha256(open('data/blob.bin', 'rb').read()).hexdigest()");
        assertEquals("'" + sha + "'", plain(hashed));

        assertTrue(sandbox.execute("with open('out.bin', 'wb') as f:\n    f.write(open('data/blob.bin', 'rb').read()[::-1])").ok());
        byte[] reversed = sandbox.download("out.bin");
        assertEquals(data.length, reversed.length);
        for (int i = 0; i < data.length; i++) {
            if (reversed[i] != data[data.length - 1 - i]) throw new AssertionError("byte " + i + " differs");
        }
        assertArrayEquals(data, sandbox.download("/work/data/blob.bin"));
        assertEquals("a,b\n1,2\n", new String(sandbox.download("data/table.csv"), StandardCharsets.UTF_8));
    }

    @Test
    void interruptFromAnotherThreadStopsASleepingCell() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        Thread interrupter = new Thread(() -> {
            try {
                if (sleeping.await(2, TimeUnit.MINUTES)) sandbox.interrupt();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-interrupter");
        interrupter.start();
        ExecutionResult result = sandbox.execute("import time\nprint('sleeping', flush=True)\ntime.sleep(60)\nslept = True",
                Duration.ofSeconds(120), out -> {
                    if (out instanceof Output.Stream s && s.text().contains("sleeping")) sleeping.countDown();
                });
        interrupter.join(10_000);
        assertEquals(ExecutionStatus.ERROR, result.status(), result.toString());
        assertEquals("KeyboardInterrupt", result.error().orElseThrow().ename());
        assertFalse(result.stateLost());
        ExecutionResult after = sandbox.execute("'slept' in globals()");
        assertEquals("False", plain(after));
    }

    @Test
    void runsAsTheUnprivilegedUser() {
        ExecutionResult result = sandbox.execute("import os\n(os.getuid(), os.getgid(), os.geteuid(), os.getcwd())");
        assertEquals("(1000, 1000, 1000, '/work')", plain(result));
        ExecutionResult caps = sandbox.execute("[l.split()[1] for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapPrm', 'NoNewPrivs'))]");
        assertEquals("['0000000000000000', '0000000000000000', '1']", plain(caps));
    }

    @Test
    void thereIsNoNetwork() {
        ExecutionResult interfaces = sandbox.execute("import socket\nsorted(name for _, name in socket.if_nameindex())");
        assertEquals("['lo']", plain(interfaces));
        // Only the sandbox's own loopback exists: nothing listens on it.
        ExecutionResult refused = sandbox.execute("s = socket.socket()\ns.settimeout(3)\ns.connect(('127.0.0.1', 9))");
        assertEquals(ExecutionStatus.ERROR, refused.status());
        assertEquals("ConnectionRefusedError", refused.error().orElseThrow().ename());
    }

    @Test
    void rootFileSystemIsReadOnly() {
        ExecutionResult result = sandbox.execute("open('/usr/evalbox-was-here', 'w')");
        assertEquals(ExecutionStatus.ERROR, result.status());
        assertTrue(result.error().orElseThrow().evalue().contains("Read-only file system"), result.toString());
        ExecutionResult tmp = sandbox.execute("open('/tmp/ok', 'w').write('ok')");
        assertEquals("2", plain(tmp));
    }

    @Test
    void containerIsHardened() {
        InspectContainerResponse container = docker.inspectContainerCmd(sandbox.id()).exec();
        assertTrue(container.getId().startsWith(sandbox.id()));
        HostConfig host = container.getHostConfig();
        assertNotNull(host.getCapDrop());
        assertTrue(Arrays.asList(host.getCapDrop()).contains(Capability.ALL), Arrays.toString(host.getCapDrop()));
        assertTrue(host.getCapAdd() == null || host.getCapAdd().length == 0);
        assertTrue(host.getSecurityOpts().contains("no-new-privileges"), String.valueOf(host.getSecurityOpts()));
        assertEquals(Boolean.TRUE, host.getReadonlyRootfs());
        assertEquals("none", host.getNetworkMode());
        assertEquals(SPEC.pidsLimit(), host.getPidsLimit());
        assertEquals(SPEC.memoryBytes(), host.getMemory());
        assertEquals(SPEC.memoryBytes(), host.getMemorySwap());
        assertEquals(1_000_000_000L, host.getNanoCPUs());
        // No docker-init holding the attach pipes: the driver is PID 1 (see ForgedReportsTest).
        assertNotEquals(Boolean.TRUE, host.getInit());
        assertFalse(Boolean.TRUE.equals(host.getPrivileged()));
        assertTrue(host.getBinds() == null || host.getBinds().length == 0);
        Map<String, String> tmpfs = host.getTmpFs();
        assertTrue(tmpfs.get("/work").contains("size=" + SPEC.workDirBytes()), tmpfs.toString());
        assertTrue(tmpfs.get("/tmp").contains("noexec"), tmpfs.toString());
        assertEquals("1000:1000", container.getConfig().getUser());
        Map<String, String> labels = container.getConfig().getLabels();
        assertEquals(provider.runId(), labels.get(DockerSandboxProvider.LABEL_RUN));
        assertTrue(labels.get(DockerSandboxProvider.LABEL_OWNER).contains("/" + ProcessHandle.current().pid() + "/"),
                labels.toString());
        assertEquals(Boolean.TRUE, container.getState().getRunning());
    }

    @Test
    void restartClearsStateAndClosingRemovesTheContainer() {
        Sandbox own = provider.open(SPEC);
        String firstId;
        String secondId;
        try {
            firstId = own.id();
            own.upload("x".getBytes(StandardCharsets.UTF_8), "file.txt");
            assertTrue(own.execute("value = 1").ok());
            own.restart();
            secondId = own.id();
            assertFalse(firstId.equals(secondId));
            assertEquals("NameError", own.execute("value").error().orElseThrow().ename());
            assertTrue(own.list(".").stream().noneMatch(e -> e.name().equals("file.txt")), own.list(".").toString());
        } finally {
            own.close();
        }
        assertFalse(own.isAlive());
        // Removal runs in the background; wait for it as a hang guard.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((containerExists(docker, firstId) || containerExists(docker, secondId)) && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertFalse(containerExists(docker, firstId), "container of the first session");
        assertFalse(containerExists(docker, secondId), "container of the restarted session");
        // Only the shared sandbox of this class remains.
        List<String> left = awaitNoOtherContainers();
        assertEquals(List.of(sandbox.id()), left);
    }

    private List<String> awaitNoOtherContainers() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            List<String> left = containersOfRun(docker, provider.runId()).stream().map(c -> c.getId().substring(0, 12)).toList();
            if (left.size() <= 1 || System.nanoTime() > deadline) return left;
            sleep(100);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
