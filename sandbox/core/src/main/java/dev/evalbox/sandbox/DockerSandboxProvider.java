package dev.evalbox.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sandboxes as hardened Docker containers (see {@link DockerOptions} and {@link SandboxSpec}
 * for the defaults) and talks to their driver over the attached stdin/stdout, so containers need
 * no network.
 *
 * <p>Every container carries the labels {@code evalbox.run}, {@code evalbox.task} and
 * {@code evalbox.owner} (a {@link SandboxOwner} mark). When the provider opens its first sandbox,
 * containers whose owner JVM is gone are removed ({@link #reap()}); on {@link #close()} and at JVM
 * shutdown, this provider's own are. Constructing one does nothing else: the engine is reached on
 * first use, so {@link SandboxProviders} can ask it whether it is {@link #available} for free.
 */
public final class DockerSandboxProvider implements SandboxProvider {
    private static final Logger LOG = LoggerFactory.getLogger(DockerSandboxProvider.class);
    static final String LABEL_OWNER = "evalbox.owner";
    static final String LABEL_RUN = "evalbox.run";
    static final String LABEL_TASK = "evalbox.task";

    private final Supplier<DockerClient> connector;
    private final String runId;
    private final String owner = SandboxOwner.current();
    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final ExecutorService remover = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "evalbox-container-remover");
        t.setDaemon(true);
        return t;
    });
    private final Thread shutdownHook = new Thread(this::removeAllNow, "evalbox-docker-shutdown");
    private DockerClient client;
    private boolean started;
    private volatile boolean closed;

    public DockerSandboxProvider() { this(DockerEngine::connect, "run-" + UUID.randomUUID().toString().substring(0, 8)); }

    public DockerSandboxProvider(DockerClient client, String runId) { this(() -> client, runId); }

    private DockerSandboxProvider(Supplier<DockerClient> connector, String runId) {
        this.connector = connector;
        this.runId = runId;
    }

    @Override
    public String name() { return "docker"; }

    @Override
    public int priority() { return 100; }

    @Override
    public boolean isolated() { return true; }

    @Override
    public Set<SandboxLimits.Limit> enforces() { return EnumSet.allOf(SandboxLimits.Limit.class); }

    @Override
    public Availability available(SandboxSpec spec) {
        String problem = DockerEngine.problem();
        if (problem != null) return Availability.no(problem + "; start it with scripts/ensure-docker.sh");
        if (!DockerEngine.imageExists(spec.image())) {
            return Availability.no("the sandbox image " + spec.image() + " is not built (run `evalbox image build`)");
        }
        return Availability.yes();
    }

    public String runId() { return runId; }

    synchronized DockerClient client() {
        if (client == null) client = connector.get();
        return client;
    }

    @Override
    public Sandbox open(SandboxSpec spec) {
        if (closed) throw new SandboxException("this Docker sandbox provider is closed");
        startOnce();
        return new DriverSandbox(name(), spec, () -> DockerSandboxProcess.start(this, spec, labels(spec)));
    }

    /** The first open reaps what dead JVMs left and makes sure this provider's containers go with this JVM. */
    private synchronized void startOnce() {
        if (started) return;
        started = true;
        reap();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private Map<String, String> labels(SandboxSpec spec) {
        Map<String, String> labels = new java.util.HashMap<>(spec.labels());
        labels.putIfAbsent(LABEL_RUN, runId);
        labels.putIfAbsent(LABEL_TASK, "");
        labels.put(LABEL_OWNER, owner);
        return labels;
    }

    void track(String containerId) { containers.add(containerId); }

    /** Removes a container in the background; {@link #close()} waits for pending removals. */
    void removeLater(String containerId) {
        if (remover.isShutdown()) {
            remove(containerId);
        } else {
            remover.execute(() -> remove(containerId));
        }
    }

    void remove(String containerId) {
        try {
            client().removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
        } catch (NotFoundException e) {
            // already gone
        } catch (RuntimeException e) {
            LOG.warn("could not remove sandbox container {}: {}", shortId(containerId), DockerEngine.rootMessage(e));
            return;
        }
        containers.remove(containerId);
    }

    /** Containers of this provider (this JVM and this provider's run id) that still exist, for tests and diagnostics. */
    public List<String> liveContainers() {
        return client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(LABEL_OWNER, owner, LABEL_RUN, runId)).exec().stream().map(Container::getId).toList();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        remover.shutdown();
        try {
            remover.awaitTermination(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        DockerClient connected;
        synchronized (this) {
            connected = client;
            if (!started && connected == null) return;
        }
        removeAllNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down (the hook is running or ran), or never added
        }
        if (connected == null) return;
        try {
            connected.close();
        } catch (IOException e) {
            LOG.debug("closing the Docker client: {}", e.getMessage());
        }
    }

    private void removeAllNow() {
        for (String id : List.copyOf(containers)) remove(id);
    }

    /** Removes containers left by evalbox JVMs on this host that are no longer running. */
    @Override
    public int reap() {
        List<Container> found;
        try {
            found = client().listContainersCmd().withShowAll(true).withLabelFilter(List.of(LABEL_OWNER)).exec();
        } catch (RuntimeException e) {
            String problem = DockerEngine.problem();
            throw new SandboxException("cannot list containers: " + (problem != null ? problem : DockerEngine.rootMessage(e)), e);
        }
        int reaped = 0;
        for (Container container : found) {
            String label = container.getLabels().getOrDefault(LABEL_OWNER, "");
            if (!label.equals(owner) && SandboxOwner.isGone(label)) {
                remove(container.getId());
                reaped++;
            }
        }
        if (reaped > 0) LOG.info("removed {} sandbox container(s) left by earlier evalbox runs", reaped);
        return reaped;
    }

    static String shortId(String id) { return id.length() > 12 ? id.substring(0, 12) : id; }
}
