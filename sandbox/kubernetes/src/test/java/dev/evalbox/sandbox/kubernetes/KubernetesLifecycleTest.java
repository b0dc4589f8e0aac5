package dev.evalbox.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Output;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The Kubernetes backend's lifecycle against fabric8's mock API server in CRUD mode, with {@link MockCluster}'s
 * fake kubelet running each pod's command as a real local driver process and serving attach frame by frame
 * (v4 channel protocol). No real cluster runs here (none is packaged for these machines): what this checks is
 * the provider's side of every exchange, the objects it writes, and its reading of what a cluster reports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubernetesLifecycleTest {
    private MockCluster cluster;
    private KubernetesSandboxProvider provider;
    private KubernetesClient client;

    @BeforeAll
    void start() {
        cluster = new MockCluster();
        provider = new KubernetesSandboxProvider(cluster.config(), "run-lifecycle");
        client = cluster.client();
    }

    @AfterAll
    void stop() {
        if (provider != null) provider.close();
        if (client != null) client.close();
        if (cluster != null) cluster.close();
    }

    private SandboxSpec.Builder spec() {
        return SandboxSpec.python().memory("512m").startTimeout(Duration.ofSeconds(120)).interruptGrace(Duration.ofSeconds(2))
                .label(Manifests.LABEL_TASK, "task/1");
    }

    @Test
    void aSandboxIsAPodSpokenToOverAttach() {
        assertTrue(provider.available(spec().build()).ok(), provider.available(spec().build()).reason());
        try (Sandbox sandbox = provider.open(spec().build())) {
            assertEquals("kubernetes", sandbox.backend());
            assertTrue(sandbox.execute("x = 20").ok());
            ExecutionResult result = sandbox.execute("print('out', flush=True)\nx * 2 + 2");
            assertEquals("out\n", result.stdout());
            assertEquals("42", result.result().flatMap(Output.MimeBundle::plainText).orElseThrow());
            Pod pod = client.pods().inNamespace(MockCluster.NAMESPACE).withName(sandbox.id()).get();
            assertNotNull(pod, "the sandbox's pod is in the API server");
            assertEquals("run-lifecycle", pod.getMetadata().getLabels().get(Manifests.LABEL_RUN));
            assertEquals("task_1", pod.getMetadata().getLabels().get(Manifests.LABEL_TASK));
            assertEquals("task/1", pod.getMetadata().getAnnotations().get("evalbox.dev/task"));
            assertEquals(provider.owner().id(), pod.getMetadata().getLabels().get(Manifests.LABEL_OWNER));
            assertNotNull(client.network().v1().networkPolicies().inNamespace(MockCluster.NAMESPACE).withName(Manifests.NETWORK_POLICY).get(),
                    "the deny-all policy was created");
            assertNotNull(client.leases().inNamespace(MockCluster.NAMESPACE).withName(provider.owner().leaseName()).get(), "the lease");
        }
    }

    @Test
    void aTimeLimitInterruptsTheCellAndKeepsTheState() {
        try (Sandbox sandbox = provider.open(spec().build())) {
            sandbox.execute("kept = 'yes'");
            ExecutionResult result = sandbox.execute("import time\nwhile True: time.sleep(0.01)", Duration.ofMillis(500));
            assertEquals(ExecutionStatus.TIMEOUT, result.status(), result.toString());
            assertFalse(result.stateLost());
            assertEquals("'yes'", plain(sandbox.execute("kept")));
        }
    }

    @Test
    void aProcessOutgrowingThePodsMemoryIsReportedAsOom() {
        try (Sandbox sandbox = provider.open(spec().memory("128m").build())) {
            ExecutionResult result = sandbox.execute("block = bytearray(600 * 1024 * 1024)\nfor i in range(0, len(block), 4096): block[i] = 1");
            assertEquals(ExecutionStatus.OOM, result.status(), result.toString());
            assertTrue(result.message().contains("ran out of memory"), result.message());
            sandbox.restart();
            assertEquals("2", plain(sandbox.execute("1 + 1")));
        }
    }

    @Test
    void anEvictedPodIsACrashThatSaysSo() {
        try (Sandbox sandbox = provider.open(spec().build())) {
            sandbox.execute("a = 1");
            cluster.evict(sandbox.id(), "The node was low on resource: memory.");
            ExecutionResult result = sandbox.execute("a");
            assertEquals(ExecutionStatus.CRASHED, result.status(), result.toString());
            assertTrue(result.message().contains("evicted") && result.message().contains("low on resource"), result.message());
        }
    }

    @Test
    void aDroppedAttachIsMadeOnceMoreAndTheSessionGoesOn() {
        long before = provider.stats().reattached();
        try (Sandbox sandbox = provider.open(spec().build())) {
            sandbox.execute("kept = 7");
            int attaches = cluster.attaches.get();
            cluster.dropAttach(sandbox.id());
            awaitTrue(() -> cluster.attaches.get() > attaches && provider.stats().reattached() > before, "the provider attaches again");
            assertEquals("7", plain(sandbox.execute("kept")));
            assertEquals(before + 1, provider.stats().reattached());
        }
    }

    @Test
    void aDropWhileACellRunsEndsTheCellSayingItMayHaveRunAndTheSessionGoesOn() throws Exception {
        long before = provider.stats().reattached();
        try (Sandbox sandbox = provider.open(spec().build())) {
            sandbox.execute("runs = 0");
            CountDownLatch started = new CountDownLatch(1);
            // the cell's own time limit is far beyond the drop's handling: ending at it would be the hang this checks against
            CompletableFuture<ExecutionResult> running = CompletableFuture.supplyAsync(() -> sandbox.execute(
                    "runs += 1\nprint('started', flush=True)\nimport time\ntime.sleep(600)\nfinished = True",
                    Duration.ofMinutes(30), output -> started.countDown()));
            assertTrue(started.await(60, TimeUnit.SECONDS), "the cell started");
            cluster.dropAttach(sandbox.id());
            ExecutionResult result = running.get();
            assertEquals(ExecutionStatus.ERROR, result.status(), result.toString());
            assertTrue(result.message().contains("dropped while the cell was sent or running; it may or may not have run"), result.message());
            assertEquals("SandboxConnectionDropped", result.error().orElseThrow().ename(), "the outputs say it too");
            assertEquals("started\n", result.stdout(), "what came before the drop is kept");
            assertFalse(result.stateLost());
            assertTrue(sandbox.isAlive());
            // the next cell goes out on the new connection after an interrupt of the stray one: it ran once, and was stopped
            assertEquals("1", plain(sandbox.execute("runs")));
            assertEquals("False", plain(sandbox.execute("'finished' in globals()")));
            assertEquals(before + 1, provider.stats().reattached());
        }
    }

    @Test
    void aCellWhoseRequestWasLostInTheDropSaysSoAndIsNotSentAgain() {
        try (Sandbox sandbox = provider.open(spec().build())) {
            sandbox.execute("runs = 0");
            cluster.dropWithNextStdin(sandbox.id());
            ExecutionResult result = sandbox.execute("runs += 1", Duration.ofMinutes(30));
            assertEquals(ExecutionStatus.ERROR, result.status(), result.toString());
            assertTrue(result.message().contains("it may or may not have run"), result.message());
            assertTrue(sandbox.isAlive());
            assertEquals("0", plain(sandbox.execute("runs")), "the lost request was not sent again");
            sandbox.execute("runs += 1");
            assertEquals("1", plain(sandbox.execute("runs")), "the session goes on");
        }
    }

    @Test
    void aCellSentJustAsTheConnectionDropsRunsAtMostOnceAndSaysWhatHappened() {
        try (Sandbox sandbox = provider.open(spec().build())) {
            sandbox.execute("runs = 0");
            cluster.dropAttach(sandbox.id());
            // sent on the closing connection, or after the harness saw it close and before it attached again
            ExecutionResult result = sandbox.execute("runs += 1", Duration.ofMinutes(30));
            int runs = Integer.parseInt(plain(sandbox.execute("runs")));
            if (result.status() == ExecutionStatus.OK) {
                assertEquals(1, runs);
            } else {
                assertEquals(ExecutionStatus.ERROR, result.status(), result.toString());
                assertTrue(result.message().contains("connection to the sandbox dropped"), result.message());
                assertTrue(runs <= 1, "ran " + runs + " times");
                if (result.message().contains("it did not run")) assertEquals(0, runs);
            }
            assertTrue(sandbox.isAlive());
        }
    }

    @Test
    void aSecondDroppedAttachLosesTheSandboxAndTheCellSaysSo() {
        long lost = provider.stats().lost();
        long reattached = provider.stats().reattached();
        try (Sandbox sandbox = provider.open(spec().build())) {
            sandbox.execute("kept = 7");
            int attaches = cluster.attaches.get();
            cluster.dropAttach(sandbox.id());
            awaitTrue(() -> cluster.attaches.get() > attaches && provider.stats().reattached() > reattached, "the provider attaches again");
            assertEquals("7", plain(sandbox.execute("kept")));
            cluster.dropAttach(sandbox.id());
            awaitTrue(() -> provider.stats().lost() > lost, "the sandbox is lost");
            ExecutionResult result = sandbox.execute("kept");
            assertEquals(ExecutionStatus.CRASHED, result.status(), result.toString());
            assertFalse(sandbox.isAlive());
        }
    }

    @Test
    void anImageTheClusterCannotPullIsAClearErrorAtOnce() {
        SandboxException e = assertThrows(SandboxException.class,
                () -> provider.open(spec().image(MockCluster.UNPULLABLE).build()).close());
        assertTrue(e.getMessage().contains("cannot pull the sandbox image " + MockCluster.UNPULLABLE)
                && e.getMessage().contains("ErrImagePull") && e.getMessage().contains("evalbox image push"), e.getMessage());
        assertTrue(provider.stats().imagePullFailures() >= 1);
    }

    @Test
    void anUnschedulablePodIsCountedAndReportedNotWaitedOnForever() {
        long before = provider.stats().unschedulable();
        SandboxException e = assertThrows(SandboxException.class,
                () -> provider.open(spec().cpus(MockCluster.NODE_CPUS * 2).startTimeout(Duration.ofSeconds(3)).build()).close());
        assertTrue(e.getMessage().contains("could not be scheduled within 3 s") && e.getMessage().contains("Insufficient cpu"), e.getMessage());
        assertEquals(before + 1, provider.stats().unschedulable());
        awaitTrue(() -> client.pods().inNamespace(MockCluster.NAMESPACE).withLabel(Manifests.LABEL_OWNER, provider.owner().id()).list()
                .getItems().stream().noneMatch(p -> p.getSpec().getContainers().get(0).getResources().getLimits().get("cpu")
                        .getAmount().equals("32000")), "the unschedulable pod is deleted");
    }

    @Test
    void throttledCreationsAreRetriedWithBackOffAndCounted() {
        long before = provider.stats().throttled();
        cluster.throttleNextCreates.set(3);
        try (Sandbox sandbox = provider.open(spec().build())) {
            assertEquals("2", plain(sandbox.execute("1 + 1")));
        }
        assertEquals(3, cluster.throttledCreates.get());
        assertEquals(before + 3, provider.stats().throttled());
    }

    @Test
    void podsOfAnOwnerWhoseLeaseRanOutAreReapedAndTheLivingAreSpared() {
        Sandbox mine = provider.open(spec().build()); // the provider's own start reaps too: orphans come after it
        Owner dead = Owner.of("elsewhere/4242/1");
        Owner alive = Owner.of("elsewhere/4343/1");
        KubernetesOptions options = KubernetesOptions.of(spec().build());
        for (Owner owner : new Owner[] {dead, alive}) {
            String name = "orphan-" + owner.id();
            client.pods().inNamespace(MockCluster.NAMESPACE).resource(
                    Manifests.pod(name, MockCluster.NAMESPACE, spec().image(MockCluster.UNPULLABLE).build(), options, owner, java.util.Map.of())).create();
        }
        client.leases().inNamespace(MockCluster.NAMESPACE).resource(Manifests.lease(MockCluster.NAMESPACE, dead,
                java.time.ZonedDateTime.now().minusSeconds(Manifests.LEASE_SECONDS).minus(KubernetesSandboxProvider.LEASE_GRACE).minusSeconds(1))).create();
        client.leases().inNamespace(MockCluster.NAMESPACE).resource(Manifests.lease(MockCluster.NAMESPACE, alive, java.time.ZonedDateTime.now())).create();
        try (mine) {
            assertEquals(1, provider.reap(MockCluster.NAMESPACE));
            assertEquals(null, client.pods().inNamespace(MockCluster.NAMESPACE).withName("orphan-" + dead.id()).get());
            assertEquals(null, client.leases().inNamespace(MockCluster.NAMESPACE).withName(dead.leaseName()).get());
            assertNotNull(client.pods().inNamespace(MockCluster.NAMESPACE).withName("orphan-" + alive.id()).get());
            assertTrue(mine.isAlive() && "2".equals(plain(mine.execute("1 + 1"))));
        } finally {
            client.pods().inNamespace(MockCluster.NAMESPACE).withName("orphan-" + alive.id()).delete();
            client.leases().inNamespace(MockCluster.NAMESPACE).withName(alive.leaseName()).delete();
        }
    }

    @Test
    void aPoolClaimsOnlyReadySandboxesAndRefills() throws Exception {
        SandboxSpec pooled = spec().label(Manifests.LABEL_TASK, "pooled").build();
        try (dev.evalbox.sandbox.SandboxPool pool = new dev.evalbox.sandbox.SandboxPool(provider, 2, 4)) {
            assertTrue(pool.awaitWarm(pooled, 2, Duration.ofMinutes(2)), "two warm pods");
            Sandbox claimed = pool.acquire(pooled);
            assertEquals("2", plain(claimed.execute("1 + 1")), "a claimed sandbox's driver is ready");
            String id = claimed.id();
            claimed.close();
            awaitTrue(() -> client.pods().inNamespace(MockCluster.NAMESPACE).withName(id).get() == null, "the released pod is deleted");
            assertTrue(pool.awaitWarm(pooled, 2, Duration.ofMinutes(2)), "the pool refilled");
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); // a hang guard, not a timing assertion
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within 60 s: " + what);
            Thread.onSpinWait();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static String plain(ExecutionResult result) {
        return result.result().flatMap(Output.MimeBundle::plainText).orElseThrow(() -> new AssertionError("no result: " + result));
    }
}
