package dev.evalbox.sandbox.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two things a cluster needs of a harness, against fabric8's mock API server ({@link MockCluster}; no real
 * cluster runs here): its Lease is renewed while it runs and removed when it closes (so the pods of a harness that
 * was killed are reaped once the lease runs out), and its pod creations are paced to
 * {@code kubernetes.creates-per-second} however many workers ask at once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class KubernetesLeaseAndPaceTest {

    @Test
    void theLeaseIsRenewedWhileTheHarnessRunsAndRemovedWhenItCloses() throws Exception {
        Owner owner = Owner.of("lease-test/" + ProcessHandle.current().pid() + "/1");
        try (MockCluster cluster = new MockCluster(); KubernetesClient client = cluster.client()) {
            KubernetesSandboxProvider provider = new KubernetesSandboxProvider(cluster.config(), "run-lease", owner);
            try (Sandbox sandbox = provider.open(SandboxSpec.python().memory("512m").startTimeout(Duration.ofSeconds(120)).build())) {
                Lease first = lease(client, owner);
                assertNotNull(first, "the first sandbox of a namespace writes this harness's lease");
                ZonedDateTime renewed = first.getSpec().getRenewTime();
                // renewed every RENEW_EVERY (5 s): wait for the next renewal, bounded well past it
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!lease(client, owner).getSpec().getRenewTime().isAfter(renewed)) {
                    assertTrue(System.nanoTime() < deadline, "the lease was not renewed within 60 s (every "
                            + KubernetesSandboxProvider.RENEW_EVERY.toSeconds() + " s expected)");
                    Thread.sleep(200);
                }
                assertTrue(sandbox.isAlive());
            } finally {
                provider.close();
            }
            assertNull(lease(client, owner), "a provider that closes removes its lease");
        }
    }

    private static Lease lease(KubernetesClient client, Owner owner) {
        return client.leases().inNamespace(MockCluster.NAMESPACE).withName(owner.leaseName()).get();
    }

    @Test
    void podCreationsArePacedToTheConfiguredRateWhateverTheWorkers() throws Exception {
        double rate = 4;
        KubernetesOptions options = KubernetesOptions.of(SandboxSpec.python()
                .backendOption(KubernetesOptions.CREATE_RATE, Double.toString(rate)).build());
        KubernetesSandboxProvider provider = new KubernetesSandboxProvider(null, "run-pace", Owner.of("pace-test/1/1"));
        List<Long> passed = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Thread worker = new Thread(() -> {
                for (int i = 0; i < 3; i++) {
                    provider.pace(options); // what every pod creation waits for
                    passed.add(System.nanoTime());
                }
            });
            worker.start();
            workers.add(worker);
        }
        for (Thread worker : workers) worker.join();
        List<Long> sorted = passed.stream().sorted().toList();
        assertEquals(9, sorted.size());
        long interval = Math.round(1e9 / rate);
        // the k-th creation to pass had the k-th slot or a later one: never before start + k intervals (a busy machine
        // only makes them later, so this bound cannot fail by load)
        for (int k = 0; k < sorted.size(); k++) {
            assertTrue(sorted.get(k) - start >= k * interval, "creation " + k + " passed after " + (sorted.get(k) - start) / 1_000_000
                    + " ms, before its slot at " + k * interval / 1_000_000 + " ms");
        }
    }
}
