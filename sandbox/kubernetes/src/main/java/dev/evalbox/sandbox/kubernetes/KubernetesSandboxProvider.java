package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.DriverSandbox;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxCheck;
import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxLimits;
import dev.evalbox.sandbox.SandboxOwner;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.AsyncBody;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sandboxes as hardened pods of a Kubernetes cluster (see {@link Manifests}), one pod per sandbox, the
 * driver spoken to over the pod's attached stdin/stdout, through fabric8's client on the JDK's HTTP client.
 * Credentials are the current kubeconfig's or, inside a cluster, the service account's; the namespace is
 * {@code kubernetes.namespace} or the context's.
 *
 * <p>Pods carry {@code evalbox.run}, {@code evalbox.task} and {@code evalbox.owner} as Docker's containers do;
 * the owner (this JVM) renews a Lease every few seconds, and pods whose owner's Lease ran out (or whose owner,
 * on this host, is gone) are removed when a provider starts, every half minute while it runs, and by
 * {@link #reap()}. Pod creation is paced ({@code kubernetes.creates-per-second}) and the API server's 429s are
 * retried with back-off by the client and counted ({@link #stats()}).
 *
 * <p>Its priority is below the local backend's: "auto" never sends code to a cluster; {@code --backend kubernetes} does.
 */
public final class KubernetesSandboxProvider implements SandboxProvider {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSandboxProvider.class);
    static final Duration RENEW_EVERY = Duration.ofSeconds(5);
    static final Duration REAP_EVERY = Duration.ofSeconds(30);
    /** How much later than its renew time plus duration a lease is taken for expired (clocks of two machines differ). */
    static final Duration LEASE_GRACE = Duration.ofSeconds(15);

    private final Config config;
    private final boolean explicitConfig;
    private final String runId;
    private final Owner owner;
    private final KubernetesStats stats = new KubernetesStats();
    private final Map<String, Site> sites = new ConcurrentHashMap<>();
    private final Set<String> pods = ConcurrentHashMap.newKeySet();
    private final ExecutorService deleter = Executors.newFixedThreadPool(2, daemon("evalbox-pod-remover"));
    private final ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor(daemon("evalbox-lease-keeper"));
    private final Thread shutdownHook = new Thread(this::removeAllNow, "evalbox-kubernetes-shutdown");
    private KubernetesClient client;
    private long nextCreate;
    private boolean hooked;
    private volatile boolean closed;

    /** The provider ServiceLoader makes: the current kubeconfig or in-cluster credentials, read on first use. */
    public KubernetesSandboxProvider() { this(null, "run-" + UUID.randomUUID().toString().substring(0, 8), Owner.current()); }

    /** A provider on an explicit client configuration (tests point it at a mock API server). */
    public KubernetesSandboxProvider(Config config, String runId) { this(config, runId, Owner.current()); }

    KubernetesSandboxProvider(Config config, String runId, Owner owner) {
        this.config = config;
        this.explicitConfig = config != null;
        this.runId = runId;
        this.owner = owner;
    }

    @Override public String name() { return "kubernetes"; }

    @Override public int priority() { return -1; }

    @Override public boolean isolated() { return true; }

    /**
     * Everything but the process count: a pod has no pids limit of its own (the kubelet's {@code --pod-max-pids}
     * sets one for every pod of a node). The network limit holds where the cluster's network plugin enforces
     * NetworkPolicy, which {@code evalbox doctor --backend kubernetes} checks.
     */
    @Override
    public Set<SandboxLimits.Limit> enforces() {
        return EnumSet.complementOf(EnumSet.of(SandboxLimits.Limit.PIDS));
    }

    @Override
    public Availability available(SandboxSpec spec) {
        if (!explicitConfig) {
            String problem = KubernetesAccess.credentialsProblem();
            if (problem != null) return Availability.no(problem);
        }
        // A client of its own without retries: an unreachable server is said in seconds, not after the back-off of every retry.
        Config quick;
        try {
            quick = new ConfigBuilder(baseConfig()).withRequestRetryBackoffLimit(0).withConnectionTimeout(5_000).withRequestTimeout(10_000).build();
        } catch (RuntimeException e) {
            return Availability.no("cannot read the Kubernetes client configuration: " + KubernetesAccess.describe(e));
        }
        try (KubernetesClient probe = new KubernetesClientBuilder().withConfig(quick).withHttpClientFactory(new JdkHttpClientFactory()).build()) {
            probe.getKubernetesVersion();
        } catch (RuntimeException e) {
            return Availability.no("cannot reach the Kubernetes API server at " + quick.getMasterUrl() + ": " + KubernetesAccess.describe(e));
        }
        return Availability.yes();
    }

    public String runId() { return runId; }

    /** Whether the client configuration was given (tests), rather than found (kubeconfig, service account). */
    boolean explicitConfig() { return explicitConfig; }

    /**
     * {@code evalbox doctor --backend kubernetes}: credentials, the API server, the namespace, the permissions, the
     * NetworkPolicy, a probe pod (the image pulls, egress is blocked) and the node's pids limit ({@link KubernetesDoctor}).
     */
    @Override
    public void doctor(SandboxSpec spec, Consumer<SandboxCheck> out) {
        KubernetesDoctor.run(this, spec, out);
    }

    public Owner owner() { return owner; }

    /** What this provider met so far (pods created, unschedulable, throttled, ...). */
    public KubernetesStats stats() { return stats; }

    /** The same counts for the run record ({@code sandbox.counters} in run.json). */
    @Override
    public Map<String, Long> counters() { return stats.asMap(); }

    /** The client, made on first use with the JDK HTTP client, 429 back-off and a count of the 429s. */
    public synchronized KubernetesClient client() {
        if (client == null) {
            Config base = baseConfig();
            Config tuned = new ConfigBuilder(base)
                    .withRequestRetryBackoffLimit(Math.max(base.getRequestRetryBackoffLimit(), 8))
                    .withRequestRetryBackoffInterval(Math.max(base.getRequestRetryBackoffInterval(), 250))
                    .build();
            client = new KubernetesClientBuilder().withConfig(tuned).withHttpClientFactory(new JdkHttpClientFactory())
                    .withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("evalbox-throttle-count", new Interceptor() {
                        @Override
                        public void after(HttpRequest request, HttpResponse<?> response, AsyncBody.Consumer<List<ByteBuffer>> consumer) {
                            if (response.code() == 429) stats.throttled.incrementAndGet();
                        }
                    }))
                    .build();
        }
        return client;
    }

    private synchronized Config baseConfig() {
        return config != null ? config : Config.autoConfigure(null);
    }

    /** The namespace a spec's pods go to: its kubernetes.namespace, else the context's, else "default". */
    public String namespace(SandboxSpec spec) {
        String asked = KubernetesOptions.of(spec).namespace();
        if (!asked.isEmpty()) return asked;
        String configured = client().getNamespace();
        return configured == null || configured.isBlank() ? "default" : configured;
    }

    @Override
    public Sandbox open(SandboxSpec spec) {
        if (closed) throw new SandboxException("this Kubernetes sandbox provider is closed");
        Site site = site(namespace(spec));
        if (!spec.limits().network() && site.policyProblem() != null) {
            throw new SandboxException("refusing to start a sandbox without its network policy: " + site.policyProblem());
        }
        Map<String, String> labels = new HashMap<>();
        spec.labels().forEach((k, v) -> labels.put(k, v));
        labels.putIfAbsent(Manifests.LABEL_RUN, runId);
        labels.putIfAbsent(Manifests.LABEL_TASK, "");
        return new DriverSandbox(name(), spec, () -> {
            KubernetesSandboxProcess process = KubernetesSandboxProcess.start(this, site, spec, labels);
            pods.add(site.namespace() + "/" + process.id());
            return process;
        });
    }

    /** The first sandbox of a namespace: its network policy, this JVM's lease, the informer, a reap of the dead's pods. */
    private Site site(String namespace) {
        Site known = sites.get(namespace);
        if (known != null) return known;
        synchronized (this) {
            known = sites.get(namespace);
            if (known != null) return known;
            String policyProblem = ensureNetworkPolicy(namespace);
            renewLease(namespace);
            PodTracker tracker = new PodTracker(stats);
            try {
                tracker.start(client(), namespace, owner);
            } catch (KubernetesClientException e) {
                throw new SandboxException("cannot watch pods in namespace " + namespace + ": " + KubernetesAccess.describe(e), e);
            }
            Site site = new Site(namespace, tracker, policyProblem);
            sites.put(namespace, site);
            reap(namespace);
            if (!hooked) {
                hooked = true;
                Runtime.getRuntime().addShutdownHook(shutdownHook);
                keeper.scheduleWithFixedDelay(this::renewLeases, RENEW_EVERY.toMillis(), RENEW_EVERY.toMillis(), TimeUnit.MILLISECONDS);
                keeper.scheduleWithFixedDelay(this::reapQuietly, REAP_EVERY.toMillis(), REAP_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            }
            return site;
        }
    }

    /** Creates the deny-all policy when missing; null when it is there, else why it is not. */
    private String ensureNetworkPolicy(String namespace) {
        try {
            var policies = client().network().v1().networkPolicies().inNamespace(namespace);
            if (policies.withName(Manifests.NETWORK_POLICY).get() == null) {
                policies.resource(Manifests.denyAll(namespace)).create();
                LOG.info("created the NetworkPolicy {} in namespace {}", Manifests.NETWORK_POLICY, namespace);
            }
            return null;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) return null; // another harness made it meanwhile
            return "the NetworkPolicy " + Manifests.NETWORK_POLICY + " is not in namespace " + namespace + " and cannot be created ("
                    + KubernetesAccess.describe(e) + "); apply it from docs/kubernetes.md";
        }
    }

    private void renewLeases() {
        for (String namespace : sites.keySet()) {
            try {
                renewLease(namespace);
            } catch (RuntimeException e) {
                LOG.warn("could not renew this harness's lease in namespace {}: {}", namespace, KubernetesAccess.describe(e));
            }
        }
    }

    private void renewLease(String namespace) {
        var leases = client().leases().inNamespace(namespace);
        Lease fresh = Manifests.lease(namespace, owner, ZonedDateTime.now());
        try {
            Lease existing = leases.withName(owner.leaseName()).get();
            if (existing == null) {
                leases.resource(fresh).create();
            } else {
                leases.withName(owner.leaseName()).edit(l -> {
                    l.getSpec().setRenewTime(fresh.getSpec().getRenewTime());
                    return l;
                });
            }
        } catch (KubernetesClientException e) {
            throw new SandboxException("cannot write this harness's lease " + owner.leaseName() + " in namespace " + namespace
                    + ": " + KubernetesAccess.describe(e), e);
        }
    }

    /** Waits for this provider's next pod creation slot: at most kubernetes.creates-per-second pods a second. */
    void pace(KubernetesOptions options) {
        long interval = Math.round(1e9 / options.createsPerSecond());
        long slot;
        synchronized (this) {
            long now = System.nanoTime();
            slot = Math.max(now, nextCreate);
            nextCreate = slot + interval;
        }
        long wait;
        while ((wait = slot - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
    }

    void background(Runnable task) {
        if (deleter.isShutdown()) task.run(); else deleter.execute(task);
    }

    /** Deletes a pod in the background (no grace: the sandbox is done); {@link #close()} waits for pending deletions. */
    void deleteLater(Site site, String name) {
        background(() -> delete(site, name));
    }

    private void delete(Site site, String name) {
        try {
            client().pods().inNamespace(site.namespace()).withName(name).withGracePeriod(0).delete();
        } catch (KubernetesClientException e) {
            LOG.warn("could not delete sandbox pod {}: {}", name, KubernetesAccess.describe(e));
            return;
        } finally {
            site.tracker().forget(name);
        }
        pods.remove(site.namespace() + "/" + name);
    }

    /** This provider's pods that still exist in the cluster, for tests and diagnostics. */
    public List<String> livePods() {
        List<String> names = new ArrayList<>();
        for (String namespace : sites.keySet()) {
            client().pods().inNamespace(namespace).withLabel(Manifests.LABEL_OWNER, owner.id())
                    .list().getItems().forEach(p -> names.add(p.getMetadata().getName()));
        }
        return names;
    }

    /** Removes the pods (and leases) of owners that stopped renewing their lease or, on this host, are gone; returns how many pods. */
    @Override
    public int reap() {
        Set<String> namespaces = new LinkedHashSet<>(sites.keySet());
        if (namespaces.isEmpty()) {
            String configured = client().getNamespace();
            namespaces.add(configured == null || configured.isBlank() ? "default" : configured);
        }
        int reaped = 0;
        for (String namespace : namespaces) reaped += reap(namespace);
        return reaped;
    }

    /** {@link #reap()} in the spec's namespace when it names one ({@code kubernetes.namespace}), else as {@link #reap()}. */
    @Override
    public int reap(SandboxSpec spec) {
        String namespace = KubernetesOptions.of(spec).namespace();
        return namespace.isEmpty() ? reap() : reap(namespace);
    }

    /** {@link #reap()} in one namespace. */
    public int reap(String namespace) {
        List<Pod> found;
        Map<String, Lease> leases = new HashMap<>();
        try {
            found = client().pods().inNamespace(namespace).withLabel(Manifests.LABEL_SANDBOX, "true").list().getItems();
            for (Lease lease : client().leases().inNamespace(namespace).withLabel(Manifests.LABEL_OWNER).list().getItems()) {
                leases.put(lease.getMetadata().getLabels().get(Manifests.LABEL_OWNER), lease);
            }
        } catch (KubernetesClientException e) {
            throw new SandboxException("cannot list sandbox pods in namespace " + namespace + ": " + KubernetesAccess.describe(e), e);
        }
        Map<String, Boolean> gone = new HashMap<>();
        int reaped = 0;
        for (Pod pod : found) {
            String ownerId = pod.getMetadata().getLabels().getOrDefault(Manifests.LABEL_OWNER, "");
            if (ownerId.equals(owner.id())) continue;
            String mark = pod.getMetadata().getAnnotations() == null ? null : pod.getMetadata().getAnnotations().get(Manifests.ANNOTATION_OWNER_MARK);
            if (!gone.computeIfAbsent(ownerId, id -> ownerGone(leases.get(id), mark))) continue;
            try {
                client().pods().inNamespace(namespace).withName(pod.getMetadata().getName()).withGracePeriod(0).delete();
                reaped++;
            } catch (KubernetesClientException e) {
                LOG.warn("could not remove the orphaned sandbox pod {}: {}", pod.getMetadata().getName(), KubernetesAccess.describe(e));
            }
        }
        gone.forEach((ownerId, isGone) -> {
            Lease lease = leases.get(ownerId);
            if (isGone && lease != null) {
                try {
                    client().leases().inNamespace(namespace).withName(lease.getMetadata().getName()).delete();
                } catch (KubernetesClientException e) {
                    LOG.debug("could not delete the lease {}: {}", lease.getMetadata().getName(), e.getMessage());
                }
            }
        });
        if (reaped > 0) LOG.info("removed {} sandbox pod(s) in namespace {} left by harnesses that are gone", reaped, namespace);
        return reaped;
    }

    /** An owner is gone when its lease ran out (or there is none), or when it was a JVM of this host that no longer runs. */
    static boolean ownerGone(Lease lease, String mark) {
        if (mark != null && SandboxOwner.isGone(mark)) return true;
        if (lease == null || lease.getSpec() == null || lease.getSpec().getRenewTime() == null) return true;
        ZonedDateTime renewed = lease.getSpec().getRenewTime();
        int seconds = lease.getSpec().getLeaseDurationSeconds() == null ? Manifests.LEASE_SECONDS : lease.getSpec().getLeaseDurationSeconds();
        return renewed.plusSeconds(seconds).plus(LEASE_GRACE).isBefore(ZonedDateTime.now());
    }

    private void reapQuietly() {
        try {
            for (String namespace : sites.keySet()) reap(namespace);
        } catch (RuntimeException e) {
            LOG.warn("periodic reap failed: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        keeper.shutdownNow();
        deleter.shutdown();
        try {
            deleter.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KubernetesClient connected;
        synchronized (this) {
            connected = client;
        }
        if (connected == null) return;
        removeAllNow();
        if (hooked) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down
            }
        }
        sites.values().forEach(site -> site.tracker().close());
        if (stats.created() > 0) LOG.info("kubernetes backend: {}", stats);
        connected.close();
    }

    /** Deletes this provider's pods and leases now (on close and at JVM exit). */
    private void removeAllNow() {
        for (String entry : List.copyOf(pods)) {
            String[] parts = entry.split("/", 2);
            try {
                client().pods().inNamespace(parts[0]).withName(parts[1]).withGracePeriod(0).delete();
            } catch (RuntimeException e) {
                LOG.debug("could not delete sandbox pod {}: {}", entry, e.getMessage());
            }
            pods.remove(entry);
        }
        for (String namespace : sites.keySet()) {
            try {
                client().leases().inNamespace(namespace).withName(owner.leaseName()).delete();
            } catch (RuntimeException e) {
                LOG.debug("could not delete lease {}: {}", owner.leaseName(), e.getMessage());
            }
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
