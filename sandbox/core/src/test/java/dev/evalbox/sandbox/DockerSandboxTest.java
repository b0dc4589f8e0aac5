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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The sandbox on Docker beyond the provider contract ({@link DockerProviderContractTest}): IPython and rich output, and the container's hardening. */
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
    void shellEscapeWorksWithIPython() {
        assertEquals("ipython", sandbox.info().runner());
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
    void inputsAreMountedReadOnlyOrUploadedWhenAsked(@TempDir Path temp) throws IOException {
        Path host = Files.createDirectories(temp.resolve("in")); // the sandbox user may read it (the temp dir is 0700)
        Files.writeString(host.resolve("a.txt"), "aaa");
        SandboxSpec withInput = SPEC.toBuilder().input(host, "in").build();
        try (Sandbox mounted = provider.open(withInput);
             Sandbox uploaded = provider.open(withInput.toBuilder().backendOption(DockerOptions.INPUTS, "upload").build())) {
            String[] binds = Arrays.stream(docker.inspectContainerCmd(mounted.id()).exec().getHostConfig().getBinds())
                    .map(Object::toString).toArray(String[]::new);
            assertEquals(List.of(host.toAbsolutePath() + ":/work/in:ro"), List.of(binds));
            HostConfig uploadedHost = docker.inspectContainerCmd(uploaded.id()).exec().getHostConfig();
            assertTrue(uploadedHost.getBinds() == null || uploadedHost.getBinds().length == 0);
            assertEquals("'aaa'", plain(mounted.execute("open('in/a.txt').read()")));
            assertEquals("'aaa'", plain(uploaded.execute("open('in/a.txt').read()")));
            assertTrue(mounted.execute("open('in/a.txt', 'w')").error().orElseThrow().evalue().contains("Read-only file system"));
            assertTrue(uploaded.execute("open('in/a.txt', 'w').write('b')").ok(), "an uploaded input is the sandbox's own copy");
        }
        assertEquals("aaa", Files.readString(host.resolve("a.txt")));
    }

    @Test
    void runsAsTheUnprivilegedUser() {
        ExecutionResult result = sandbox.execute("import os\n(os.getuid(), os.getgid(), os.geteuid(), os.getcwd())");
        assertEquals("(1000, 1000, 1000, '/work')", plain(result));
        ExecutionResult caps = sandbox.execute("[l.split()[1] for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapPrm', 'NoNewPrivs'))]");
        assertEquals("['0000000000000000', '0000000000000000', '1']", plain(caps));
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
        assertTrue(host.getBinds() == null || host.getBinds().length == 0, "a spec without inputs mounts nothing");
        Map<String, String> tmpfs = host.getTmpFs();
        assertTrue(tmpfs.get("/work").contains("size=" + SPEC.limits().workDirBytes()), tmpfs.toString());
        assertTrue(tmpfs.get("/tmp").contains("noexec"), tmpfs.toString());
        assertEquals("1000:1000", container.getConfig().getUser());
        Map<String, String> labels = container.getConfig().getLabels();
        assertEquals(provider.runId(), labels.get(DockerSandboxProvider.LABEL_RUN));
        assertTrue(labels.get(DockerSandboxProvider.LABEL_OWNER).contains("/" + ProcessHandle.current().pid() + "/"),
                labels.toString());
        assertEquals(Boolean.TRUE, container.getState().getRunning());
    }

    /** Restart itself is in the provider contract; here: each session was a container, and closing removes both. */
    @Test
    void closingRemovesTheContainerOfEverySession() {
        Sandbox own = provider.open(SPEC);
        String firstId;
        String secondId;
        try {
            firstId = own.id();
            own.restart();
            secondId = own.id();
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
