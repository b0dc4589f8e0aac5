package dev.evalbox.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs sandboxes as hardened Docker containers (see {@link SandboxSpec} for the defaults) and
 * talks to their driver over the attached stdin/stdout, so containers need no network.
 *
 * <p>Every container carries the labels {@code evalbox.run}, {@code evalbox.task} and
 * {@code evalbox.owner} (host, JVM pid and start time). At construction, containers whose owner
 * JVM is gone are removed; on {@link #close()} and at JVM shutdown, this provider's own are.
 */
public final class DockerSandboxProvider implements SandboxProvider {
    private static final Logger LOG = LoggerFactory.getLogger(DockerSandboxProvider.class);
    static final String LABEL_OWNER = "evalbox.owner";
    static final String LABEL_RUN = "evalbox.run";
    static final String LABEL_TASK = "evalbox.task";

    private final DockerClient client;
    private final String runId;
    private final String owner;
    private final Set<String> containers = ConcurrentHashMap.newKeySet();
    private final ExecutorService remover = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "evalbox-container-remover");
        t.setDaemon(true);
        return t;
    });
    private final Thread shutdownHook = new Thread(this::removeAllNow, "evalbox-docker-shutdown");
    private volatile boolean closed;

    public DockerSandboxProvider() { this(DockerEngine.connect(), "run-" + UUID.randomUUID().toString().substring(0, 8)); }

    public DockerSandboxProvider(DockerClient client, String runId) {
        this.client = client;
        this.runId = runId;
        this.owner = ownerLabel();
        reapOrphans();
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public String backend() { return "docker"; }

    public String runId() { return runId; }

    DockerClient client() { return client; }

    @Override
    public Sandbox open(SandboxSpec spec) {
        if (closed) throw new SandboxException("this Docker sandbox provider is closed");
        return new DriverSandbox(backend(), spec, () -> DockerSandboxProcess.start(this, spec, labels(spec)));
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
            client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
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
        return client.listContainersCmd().withShowAll(true)
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
        removeAllNow();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook is running or ran
        }
        try {
            client.close();
        } catch (IOException e) {
            LOG.debug("closing the Docker client: {}", e.getMessage());
        }
    }

    private void removeAllNow() {
        for (String id : List.copyOf(containers)) remove(id);
    }

    /** Removes containers left by evalbox JVMs on this host that are no longer running. */
    private void reapOrphans() {
        List<Container> found;
        try {
            found = client.listContainersCmd().withShowAll(true).withLabelFilter(List.of(LABEL_OWNER)).exec();
        } catch (RuntimeException e) {
            throw new SandboxException("cannot list containers: " + DockerEngine.problem(), e);
        }
        int reaped = 0;
        for (Container container : found) {
            String label = container.getLabels().getOrDefault(LABEL_OWNER, "");
            if (!label.equals(owner) && ownerIsGone(label)) {
                remove(container.getId());
                reaped++;
            }
        }
        if (reaped > 0) LOG.info("removed {} sandbox container(s) left by earlier evalbox runs", reaped);
    }

    /** Owner labels are host/pid/start-millis; a live process with that pid and start time keeps its containers. */
    static boolean ownerIsGone(String label) {
        String[] parts = label.split("/");
        if (parts.length != 3 || !parts[0].equals(hostName())) return false;
        try {
            long pid = Long.parseLong(parts[1]);
            long started = Long.parseLong(parts[2]);
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            return process.isEmpty() || !process.get().isAlive()
                    || process.get().info().startInstant().map(Instant::toEpochMilli).map(ms -> Math.abs(ms - started) > 2000).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String ownerLabel() {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return hostName() + "/" + self.pid() + "/" + started;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    static String shortId(String id) { return id.length() > 12 ? id.substring(0, 12) : id; }
}
