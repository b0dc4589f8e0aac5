package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.DriverSource;
import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxProcess;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A driver running as PID 1 of a sandbox pod, reached through the pod's attach (the v4 channel protocol over a
 * websocket: stdin on channel 0, stdout 1, stderr 2, the status on 3); no port is opened. The container starts
 * a small bootstrap ({@link Manifests#BOOTSTRAP}) that waits for the driver's source on stdin, so nothing the
 * driver says is lost before the provider is attached. An attach connection that drops while the pod runs is
 * made once more; when that one drops too, the sandbox is lost and its cell says so.
 */
final class KubernetesSandboxProcess implements SandboxProcess {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesSandboxProcess.class);
    /** How long a closed attach waits for the pod to say its driver ended before taking it for a dropped connection. */
    private static final Duration END_NOTICE = Duration.ofSeconds(3);

    private final KubernetesSandboxProvider provider;
    private final Site site;
    private final String name;
    private final PodTracker.Tracked tracked;
    private volatile ExecWatch watch;
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
            attach(sink);
            byte[] driver = DriverSource.text().getBytes(StandardCharsets.UTF_8);
            write((driver.length + "\n").getBytes(StandardCharsets.US_ASCII));
            write(driver);
        } catch (IOException | RuntimeException e) {
            sink.onEnd(new IOException("cannot attach to the sandbox pod " + name + ": " + KubernetesAccess.describe(e), e));
        }
    }

    private void attach(ProtocolSink sink) {
        attaches++;
        AtomicBoolean over = new AtomicBoolean();
        ExecListener listener = new ExecListener() {
            @Override
            public void onFailure(Throwable t, Response failureResponse) {
                if (over.compareAndSet(false, true)) closed(sink, t);
            }

            @Override
            public void onClose(int code, String reason) {
                if (over.compareAndSet(false, true)) closed(sink, null);
            }
        };
        watch = provider.client().pods().inNamespace(site.namespace()).withName(name).inContainer(Manifests.CONTAINER)
                .redirectingInput()
                .writingOutput(new SinkStream(sink, false))
                .writingError(new SinkStream(sink, true))
                .usingListener(listener)
                .attach();
    }

    /** The attach connection closed: the driver ended (the pod says so), or the connection dropped. */
    private void closed(ProtocolSink sink, Throwable failure) {
        if (destroyed) {
            sink.onEnd(new IOException("the sandbox pod " + name + " was deleted"));
            return;
        }
        ExitInfo exit = awaitExit(END_NOTICE);
        if (exit != null) {
            sink.onEnd(new IOException("the driver " + exit.describe()));
            return;
        }
        String why = failure == null ? "closed" : KubernetesAccess.describe(failure);
        if (attaches < 2) {
            LOG.warn("the attach connection to sandbox pod {} dropped ({}); attaching again", name, why);
            provider.stats().reattached.incrementAndGet();
            provider.background(() -> {
                try {
                    attach(sink);
                } catch (RuntimeException e) {
                    lost(sink, KubernetesAccess.describe(e));
                }
            });
            return;
        }
        lost(sink, why);
    }

    private void lost(ProtocolSink sink, String why) {
        provider.stats().lost.incrementAndGet();
        sink.onEnd(new IOException("the attach connection to the sandbox pod " + name + " dropped twice (" + why + "); the sandbox is lost"));
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        ExecWatch current = watch;
        if (current == null) throw new IOException("not attached to the sandbox pod " + name);
        OutputStream in = current.getInput();
        in.write(bytes);
        in.flush();
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
        ExecWatch current = watch;
        if (current != null) current.close();
        provider.deleteLater(site, name);
    }

    /** Hands the attach's stdout or stderr bytes to the protocol sink on the client's own thread: no thread per sandbox. */
    private static final class SinkStream extends OutputStream {
        private final ProtocolSink sink;
        private final boolean stderr;

        SinkStream(ProtocolSink sink, boolean stderr) {
            this.sink = sink;
            this.stderr = stderr;
        }

        @Override
        public void write(int b) { write(new byte[] {(byte) b}, 0, 1); }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            if (stderr) sink.onStderr(bytes, offset, length); else sink.onStdout(bytes, offset, length);
        }
    }
}
