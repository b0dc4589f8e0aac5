package dev.evalbox.sandbox;

import static dev.evalbox.sandbox.HostileCodeTest.awaitNoContainers;
import static dev.evalbox.sandbox.HostileCodeTest.containerExists;
import static dev.evalbox.sandbox.HostileCodeTest.containersOfRun;
import static dev.evalbox.sandbox.HostileCodeTest.plain;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pool on Docker: warm hand-out, one-shot sandboxes, the concurrency bound, shelves per spec, clean-up, reaping. */
@Tag("docker")
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SandboxPoolTest {
    private static final Duration GUARD = Duration.ofSeconds(120);
    private static final SandboxSpec SPEC = SandboxSpec.python()
            .memory("256m")
            .timeout(Duration.ofSeconds(30))
            .startTimeout(Duration.ofSeconds(120))
            .build();

    private static DockerClient docker;
    private DockerSandboxProvider provider;

    @BeforeAll
    static void connect() {
        DockerRequired.check();
        docker = DockerEngine.connect();
    }

    @AfterAll
    static void disconnect() throws IOException {
        if (docker != null) docker.close();
    }

    @BeforeEach
    void openProvider() {
        provider = new DockerSandboxProvider();
    }

    @AfterEach
    void closeProvider() {
        String runId = provider.runId();
        provider.close();
        assertEquals(List.of(), containersOfRun(docker, runId), "containers left after provider.close()");
    }

    @Test
    void acquireHandsOutASandboxStartedBeforehand() throws Exception {
        try (SandboxPool pool = new SandboxPool(provider, 1, 4)) {
            assertTrue(pool.awaitWarm(SPEC, 1, GUARD));
            List<Container> before = containersOfRun(docker, provider.runId());
            assertEquals(1, before.size());
            Container warm = before.get(0);
            assertEquals("running", warm.getState());
            // Started ahead of time, so it carries no task.
            assertEquals("", warm.getLabels().get(DockerSandboxProvider.LABEL_TASK));
            Instant acquiring = Instant.now();
            try (Sandbox sandbox = pool.acquire(SPEC)) {
                assertEquals(warm.getId().substring(0, 12), sandbox.id());
                Instant started = Instant.parse(docker.inspectContainerCmd(sandbox.id()).exec().getState().getStartedAt());
                assertTrue(started.isBefore(acquiring), "started " + started + ", acquired " + acquiring);
                assertTrue(sandbox.isAlive());
                assertEquals("'warm'", plain(sandbox.execute("'warm'")));
            }
        }
    }

    @Test
    void closingAPooledSandboxDestroysItAndThePoolRefills() throws Exception {
        try (SandboxPool pool = new SandboxPool(provider, 1, 4)) {
            assertTrue(pool.awaitWarm(SPEC, 1, GUARD));
            Sandbox sandbox = pool.acquire(SPEC);
            String id = sandbox.id();
            assertTrue(sandbox.execute("state = 'mine'").ok());
            // Refilled after the hand-out.
            assertTrue(pool.awaitWarm(SPEC, 1, GUARD));
            sandbox.close();
            assertFalse(sandbox.isAlive());
            awaitGone(id);
            assertFalse(containerExists(docker, id), "the pooled sandbox's container still exists");
            assertTrue(pool.awaitWarm(SPEC, 1, GUARD));
            assertEquals(1, pool.warmCount(SPEC));
            // The next sandbox is a different, clean one.
            try (Sandbox next = pool.acquire(SPEC)) {
                assertNotEquals(id, next.id());
                assertEquals("NameError", next.execute("state").error().orElseThrow().ename());
            }
        }
    }

    @ParameterizedTest(name = "warmPerSpec {0}")
    @ValueSource(ints = {0, 1})
    void maxConcurrentIsHonoured(int warmPerSpec) throws Exception {
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try (SandboxPool pool = new SandboxPool(provider, warmPerSpec, 2)) {
            Sandbox first = pool.acquire(SPEC);
            Sandbox second = pool.acquire(SPEC);
            CountDownLatch acquired = new CountDownLatch(1);
            Future<Sandbox> third = thread.submit(() -> {
                Sandbox s = pool.acquire(SPEC);
                acquired.countDown();
                return s;
            });
            // No room: the third acquire waits (a negative check, not a speed check).
            assertFalse(acquired.await(3, TimeUnit.SECONDS), "a third sandbox was handed out with maxConcurrent 2");
            assertTrue(containersOfRun(docker, provider.runId()).size() <= 2);
            assertEquals("1", plain(second.execute("1")));

            first.close();
            assertTrue(acquired.await(GUARD.toSeconds(), TimeUnit.SECONDS), "the third acquire did not get the freed room");
            try (Sandbox s = third.get()) {
                assertEquals("3", plain(s.execute("1 + 2")));
            }
            second.close();
        } finally {
            thread.shutdownNow();
        }
    }

    @Test
    void distinctSpecsHaveDistinctShelves() throws Exception {
        SandboxSpec small = SPEC;
        SandboxSpec large = SPEC.toBuilder().memory("384m").pidsLimit(100).build();
        try (SandboxPool pool = new SandboxPool(provider, 1, 6)) {
            assertTrue(pool.awaitWarm(small, 1, GUARD));
            assertTrue(pool.awaitWarm(large, 1, GUARD));
            assertEquals(1, pool.warmCount(small));
            assertEquals(1, pool.warmCount(large));
            try (Sandbox a = pool.acquire(large); Sandbox b = pool.acquire(small)) {
                assertEquals(large, a.spec());
                assertEquals(small, b.spec());
                InspectContainerResponse ca = docker.inspectContainerCmd(a.id()).exec();
                InspectContainerResponse cb = docker.inspectContainerCmd(b.id()).exec();
                assertEquals(large.memoryBytes(), ca.getHostConfig().getMemory());
                assertEquals(100L, ca.getHostConfig().getPidsLimit());
                assertEquals(small.memoryBytes(), cb.getHostConfig().getMemory());
                assertEquals("1", plain(a.execute("1")));
                assertEquals("2", plain(b.execute("2")));
            }
            assertTrue(pool.awaitWarm(small, 1, GUARD));
            assertTrue(pool.awaitWarm(large, 1, GUARD));
        }
    }

    @Test
    void closingThePoolLeavesNoContainer() throws Exception {
        Sandbox held;
        try (SandboxPool pool = new SandboxPool(provider, 2, 8)) {
            assertTrue(pool.awaitWarm(SPEC, 2, GUARD));
            held = pool.acquire(SPEC);
            assertTrue(held.execute("1").ok());
            assertTrue(pool.awaitWarm(SPEC, 2, GUARD));
            assertEquals(3, containersOfRun(docker, provider.runId()).size());
        }
        // The pool destroyed its warm sandboxes; the one in use stays usable until its holder closes it.
        assertEquals("'still usable'", plain(held.execute("'still usable'")));
        held.close();
        assertEquals(List.of(), awaitNoContainers(docker, provider.runId(), GUARD));
    }

    @Test
    void reapRemovesContainersOfDeadOwnersOnly() throws Exception {
        String host = InetAddress.getLocalHost().getHostName();
        long deadPid = 999_999;
        while (ProcessHandle.of(deadPid).isPresent()) deadPid++;
        String run = "reap-test-" + UUID.randomUUID().toString().substring(0, 8);
        String dead = createSleeper(run, host + "/" + deadPid + "/" + System.currentTimeMillis());
        String otherHost = createSleeper(run, "some-other-host.invalid/" + deadPid + "/1");
        ProcessHandle self = ProcessHandle.current();
        String liveOwner = createSleeper(run, host + "/" + self.pid() + "/"
                + self.info().startInstant().orElseThrow().toEpochMilli());
        try {
            assertTrue(containerExists(docker, dead));
            try (DockerSandboxProvider reaper = new DockerSandboxProvider()) {
                assertTrue(reaper.reap() >= 1);
            }
            assertFalse(containerExists(docker, dead), "the dead owner's container was not reaped");
            // Containers of another host, or of a live JVM, are not this provider's to reap.
            assertTrue(containerExists(docker, otherHost));
            assertTrue(containerExists(docker, liveOwner));
        } finally {
            for (String id : List.of(dead, otherHost, liveOwner)) {
                if (containerExists(docker, id)) docker.removeContainerCmd(id).withForce(true).exec();
            }
        }
        assertEquals(List.of(), containersOfRun(docker, run));
    }

    private String createSleeper(String run, String owner) {
        String id = docker.createContainerCmd(SandboxSpec.DEFAULT_IMAGE)
                .withCmd("sleep", "300")
                .withLabels(Map.of(DockerSandboxProvider.LABEL_OWNER, owner, DockerSandboxProvider.LABEL_RUN, run,
                        DockerSandboxProvider.LABEL_TASK, ""))
                .withNetworkDisabled(true)
                .withHostConfig(com.github.dockerjava.api.model.HostConfig.newHostConfig().withNetworkMode("none")
                        .withInit(true).withMemory(64L << 20))
                .exec().getId();
        docker.startContainerCmd(id).exec();
        return id;
    }

    private static void awaitGone(String id) throws InterruptedException {
        long deadline = System.nanoTime() + GUARD.toNanos();
        while (containerExists(docker, id) && System.nanoTime() < deadline) Thread.sleep(100);
    }
}
