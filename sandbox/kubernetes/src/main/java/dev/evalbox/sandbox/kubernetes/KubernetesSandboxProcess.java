package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.ConnectionDroppedException;
import dev.evalbox.sandbox.DriverSource;
import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxProcess;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A driver running as PID 1 of a sandbox pod, reached through the pod's attach (the v4 channel protocol over a
 * websocket: stdin on channel 0, stdout 1, stderr 2, the status on 3); no port is opened. The container starts
 * a small bootstrap ({@link Manifests#BOOTSTRAP}) that waits for the driver's source on stdin, so nothing the
 * driver says is lost before the provider is attached. An attach connection that drops while the pod runs is
 * made once more; when that one drops too, the sandbox is lost and its cell says so. What was written on a
 * connection that dropped is never sent again: requests the driver had not answered fail with a
 * {@link ConnectionDroppedException} (a cell says it may not have run), and a write made while the connection
 * is down waits for what follows it (see {@link #write}).
 */
final class KubernetesSandboxProcess implements SandboxProcess {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSandboxProcess.class);
    /**
     * How long a closed attach waits for the pod to say its driver ended before taking it for a dropped connection
     * (longer than a killed container waits for its pod's reason).
     */
    private static final Duration END_NOTICE = PodTracker.POD_REASON_GRACE.plusSeconds(3);

    private final KubernetesSandboxProvider provider;
    private final Site site;
    private final String name;
    private final PodTracker.Tracked tracked;
    private static final Duration ATTACH_LIMIT = Duration.ofSeconds(60);
    private static final byte[] NEWLINE = {'\n'};
    private volatile CompletableFuture<AttachChannel> channel;
    private volatile boolean destroyed;
    private volatile int attaches;

    private KubernetesSandboxProcess(KubernetesSandboxProvider provider, Site site, String name, PodTracker.Tracked tracked) {
        this.provider = provider;
        this.site = site;
        this.name = name;
        this.tracked = tracked;
    }

    /** Creates the pod (at the provider's rate) and waits until its container runs; the driver starts once connected. */
    static KubernetesSandboxProcess start(KubernetesSandboxProvider provider, Site site, SandboxSpec spec, Map<String, String> labels) {
        KubernetesOptions options = KubernetesOptions.of(spec);
        String name = "evalbox-" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        Pod pod = Manifests.pod(name, site.namespace(), spec, options, provider.owner(), labels);
        PodTracker.Tracked tracked = site.tracker().track(name);
        KubernetesSandboxProcess process = new KubernetesSandboxProcess(provider, site, name, tracked);
        provider.pace(options);
        try {
            provider.client().pods().inNamespace(site.namespace()).resource(pod).create();
        } catch (KubernetesClientException e) {
            site.tracker().forget(name);
            throw new SandboxException("cannot create a sandbox pod in namespace " + site.namespace() + ": "
                    + KubernetesAccess.describe(e), e);
        }
        provider.stats().created.incrementAndGet();
        try {
            tracked.running.get(spec.startTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.destroy();
            String unschedulable = tracked.unschedulable;
            throw new SandboxException(unschedulable != null
                    ? "the sandbox pod " + name + " could not be scheduled within " + spec.startTimeout().toSeconds() + " s: " + unschedulable
                    : "the sandbox pod " + name + " was not running within " + spec.startTimeout().toSeconds() + " s");
        } catch (ExecutionException e) {
            process.destroy();
            throw e.getCause() instanceof SandboxException s ? s : new SandboxException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            process.destroy();
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while waiting for the sandbox pod " + name);
        }
        return process;
    }

    @Override
    public String id() { return name; }

    @Override
    public void connect(ProtocolSink sink) {
        try {
            attach(sink).get(ATTACH_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            byte[] driver = DriverSource.text().getBytes(StandardCharsets.UTF_8);
            byte[] head = (driver.length + "\n").getBytes(StandardCharsets.US_ASCII);
            byte[] both = new byte[head.length + driver.length];
            System.arraycopy(head, 0, both, 0, head.length);
            System.arraycopy(driver, 0, both, head.length, driver.length);
            write(both);
        } catch (ExecutionException e) {
            sink.onEnd(new IOException("cannot attach to the sandbox pod " + name + ": " + KubernetesAccess.describe(e.getCause()), e.getCause()));
        } catch (TimeoutException e) {
            sink.onEnd(new IOException("cannot attach to the sandbox pod " + name + ": no connection within " + ATTACH_LIMIT.toSeconds() + " s"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            sink.onEnd(new IOException("interrupted while attaching to the sandbox pod " + name));
        } catch (IOException | RuntimeException e) {
            sink.onEnd(new IOException("cannot attach to the sandbox pod " + name + ": " + KubernetesAccess.describe(e), e));
        }
    }

    /** Opens the first attach connection; {@link #write} waits for it. */
    private CompletableFuture<AttachChannel> attach(ProtocolSink sink) {
        CompletableFuture<AttachChannel> next = new CompletableFuture<>();
        channel = next; // before the request goes out: writes from now on wait for this connection
        attach(sink, next, false);
        return next;
    }

    /**
     * Opens an attach connection and completes {@code next} with it; a connection made again after a drop first
     * sends a newline, which ends any request the drop cut short (the driver ignores blank lines and reports a
     * cut line as a protocol error), before the writes waiting for it go out.
     */
    private void attach(ProtocolSink sink, CompletableFuture<AttachChannel> next, boolean again) {
        attaches++;
        AttachChannel.open(provider.client(), site.namespace(), name, Manifests.CONTAINER,
                new AttachChannel.Handler() {
                    @Override
                    public void stdout(byte[] bytes, int offset, int length) { sink.onStdout(bytes, offset, length); }

                    @Override
                    public void stderr(byte[] bytes, int offset, int length) { sink.onStderr(bytes, offset, length); }

                    @Override
                    public void status(String json) { LOG.debug("sandbox pod {}: attach status {}", name, json); }

                    @Override
                    public void closed(int code, String reason, Throwable error) {
                        KubernetesSandboxProcess.this.closed(sink, error, code + " " + reason);
                    }
                }).whenComplete((open, e) -> {
                    if (e != null) {
                        next.completeExceptionally(e);
                        return;
                    }
                    if (again) {
                        try {
                            open.send(NEWLINE);
                        } catch (IOException dropping) {
                            // the new connection is closing already: its own closed() decides what follows
                        }
                    }
                    next.complete(open);
                });
    }

    /**
     * The attach connection closed: the driver ended (the pod says so within {@link #END_NOTICE}), or the connection
     * dropped. Decided on events, without holding a thread while the pod's status is awaited: a cluster-wide drop
     * (an API server restart) closes every sandbox's connection at once. Writes from the moment of the close wait
     * for the decision: a new connection, or the news that the driver ended or the sandbox is lost.
     */
    private void closed(ProtocolSink sink, Throwable failure, String how) {
        CompletableFuture<AttachChannel> next = new CompletableFuture<>();
        channel = next;
        if (destroyed) {
            ended(sink, next, new IOException("the sandbox pod " + name + " was deleted"));
            return;
        }
        tracked.ended.copy().completeOnTimeout(null, END_NOTICE.toMillis(), TimeUnit.MILLISECONDS).whenComplete((exit, e) -> {
            if (exit != null || e != null) {
                ended(sink, next, new IOException("the driver " + (exit != null ? exit.describe() : "ended (" + e.getMessage() + ")")));
                return;
            }
            String why = failure == null ? "closed: " + how.trim() : KubernetesAccess.describe(failure);
            if (destroyed) {
                ended(sink, next, new IOException("the sandbox pod " + name + " was deleted"));
            } else if (attaches < 2) {
                LOG.warn("the attach connection to sandbox pod {} dropped ({}); attaching again", name, why);
                provider.stats().reattached.incrementAndGet();
                // before anything goes out on a new connection: what was written on the old one is settled (failed, not resent)
                sink.onDropped(why);
                attach(sink, next, true);
                next.whenComplete((ok, error) -> {
                    if (error != null) lost(sink, KubernetesAccess.describe(error));
                });
            } else {
                next.completeExceptionally(new IOException("the attach connection dropped twice (" + why + "); the sandbox is lost"));
                lost(sink, why);
            }
        });
    }

    private static void ended(ProtocolSink sink, CompletableFuture<AttachChannel> next, IOException why) {
        next.completeExceptionally(why);
        sink.onEnd(why);
    }

    private void lost(ProtocolSink sink, String why) {
        provider.stats().lost.incrementAndGet();
        sink.onEnd(new IOException("the attach connection to the sandbox pod " + name + " dropped twice (" + why + "); the sandbox is lost"));
    }

    /**
     * Sends on the current attach connection, waiting for it while one is being made. When the connection closes
     * under the write, the write waits for what follows: if the driver ended or the sandbox is lost, that is the
     * failure; if a new connection was made, bytes of which nothing went out are sent on it, and bytes that may
     * have gone out are not sent again ({@link ConnectionDroppedException}: the driver may or may not have them).
     */
    @Override
    public void write(byte[] bytes) throws IOException {
        CompletableFuture<AttachChannel> current = channel;
        if (current == null) throw new IOException("not attached to the sandbox pod " + name);
        try {
            await(current).send(bytes);
        } catch (ConnectionDroppedException dropped) {
            CompletableFuture<AttachChannel> after = replacement(current);
            if (after == null) throw dropped;
            AttachChannel fresh = await(after); // the driver ended or the sandbox is lost: that is the failure
            if (dropped.mayHaveArrived()) throw dropped;
            fresh.send(bytes);
        }
    }

    /** The connection that follows one that closed (set by {@link #closed} as it closes), or null if none came. */
    private CompletableFuture<AttachChannel> replacement(CompletableFuture<AttachChannel> old) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        CompletableFuture<AttachChannel> now;
        while ((now = channel) == old) {
            if (destroyed || System.nanoTime() > deadline) return null;
            LockSupport.parkNanos(100_000);
        }
        return now;
    }

    private AttachChannel await(CompletableFuture<AttachChannel> connection) throws IOException {
        try {
            return connection.get(ATTACH_LIMIT.plus(END_NOTICE).toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IOException("not attached to the sandbox pod " + name + ": " + KubernetesAccess.describe(e.getCause()), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no attach connection to the sandbox pod " + name + " within " + ATTACH_LIMIT.plus(END_NOTICE).toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while writing to the sandbox pod " + name);
        }
    }

    @Override
    public ExitInfo awaitExit(Duration timeout) {
        try {
            return tracked.ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            return new ExitInfo(null, false, "ended (" + e.getCause().getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        CompletableFuture<AttachChannel> current = channel;
        if (current != null) current.thenAccept(AttachChannel::close);
        provider.deleteLater(site, name);
    }
}
