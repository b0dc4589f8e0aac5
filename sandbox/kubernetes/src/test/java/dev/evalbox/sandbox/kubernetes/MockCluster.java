package dev.evalbox.sandbox.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A stand-in for a Kubernetes cluster, since none can run on these machines: fabric8's mock API server in CRUD
 * mode (pods, leases and network policies are stored, listed, watched, patched and deleted as an API server
 * does) plus a fake kubelet that does what a node would do with a pod: it takes the pod's command and
 * environment and runs them as a real local process (a driver, for the lifecycle and contract tests) or hands
 * the pod to a scripted {@link PodRuntime} (the scale test), sets the pod's status (Running, terminated with
 * its exit code, OOMKilled when the process outgrows the pod's memory limit, ErrImagePull, Unschedulable,
 * Evicted) and serves the pod's attach as the API server does: a websocket speaking the v4 channel protocol,
 * one binary frame at a time, channel byte 0 stdin, 1 stdout, 2 stderr, 3 the status when the process ended.
 * It also serves what doctor reads: a pod's log (its container's output, complete once it ended), and
 * SelfSubjectAccessReviews, allowed unless the right is in {@link #denied}.
 *
 * <p>What it does not do: isolation (the process is a plain child of this JVM, in a temporary directory, with
 * its process scope set to its own descendants), a network policy (stored, not enforced), pid limits, a
 * read-only root. Tests against it say which limits they can check.
 */
public final class MockCluster implements AutoCloseable {
    public static final String NAMESPACE = "evalbox-test";
    /** Pods of this image cannot be pulled. */
    public static final String UNPULLABLE = "registry.invalid/evalbox/python:missing";
    /** Pods asking for more CPUs than this stay unschedulable. */
    public static final double NODE_CPUS = 16;
    private static final Pattern ATTACH = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/attach.*");
    private static final Pattern CONFIGZ = Pattern.compile("/api/v1/nodes/([^/]+)/proxy/configz");
    private static final Pattern LOG = Pattern.compile("/api/v1/namespaces/([^/]+)/pods/([^/?]+)/log.*");
    private static final String ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

    private final KubernetesMockServer server;
    private final ClusterDispatcher dispatcher = new ClusterDispatcher();
    private final KubernetesClient kubeletClient;
    private final SharedIndexInformer<Pod> kubelet;
    private final Map<String, PodRuntime> runtimes = new ConcurrentHashMap<>();
    private final Function<Pod, PodRuntime> runtimeFactory;
    /** Answer the next this many pod creations with 429 Too Many Requests. */
    public final AtomicInteger throttleNextCreates = new AtomicInteger();
    public final AtomicInteger throttledCreates = new AtomicInteger();
    public final AtomicInteger attaches = new AtomicInteger();
    /** Each node's kubelet configuration as its /configz answers (through the API server's node proxy). */
    public final Map<String, String> kubeletConfigs = new ConcurrentHashMap<>();
    /** Whether the caller lacks get on nodes/proxy (the API server answers 403). */
    public volatile boolean nodeProxyForbidden;
    /**
     * The rights the caller lacks, as "VERB RESOURCE[/SUBRESOURCE]" (e.g. "create pods/attach"): a SelfSubjectAccessReview
     * of one of them is answered allowed=false, of anything else allowed=true (the mock enforces none of them).
     */
    public final java.util.Set<String> denied = ConcurrentHashMap.newKeySet();
    /** What each pod's container wrote (stdout and stderr), kept after it ended, as the API server serves pods/log. */
    private final Map<String, StringBuffer> logs = new ConcurrentHashMap<>();

    /** A cluster whose pods run real driver processes. */
    public MockCluster() { this(ProcessRuntime::new); }

    public MockCluster(Function<Pod, PodRuntime> runtimeFactory) {
        this.runtimeFactory = runtimeFactory;
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
        server.init(java.net.InetAddress.getLoopbackAddress(), 0);
        kubeletClient = client();
        kubelet = kubeletClient.pods().inNamespace(NAMESPACE).inform(new Kubelet(), 0);
    }

    /** A client configuration for this mock API server alone (no kubeconfig is read). */
    public Config config() {
        return new ConfigBuilder(Config.empty()).withMasterUrl(server.url("/")).withNamespace(NAMESPACE)
                .withTrustCerts(true).withRequestRetryBackoffInterval(50).build();
    }

    public KubernetesClient client() {
        return new KubernetesClientBuilder().withConfig(config()).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }

    public String url() { return server.url("/"); }

    /** The runtime of a pod the kubelet started, or null. */
    public PodRuntime runtime(String pod) { return runtimes.get(pod); }

    public int runningRuntimes() { return runtimes.size(); }

    /**
     * The node evicts the pod, in the worst order a kubelet can report it: the container is killed and its end (137)
     * is written first, the pod's phase Failed with reason Evicted a moment later.
     */
    public void evict(String pod, String message) {
        PodRuntime runtime = runtimes.get(pod);
        if (runtime != null) {
            runtime.kill();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (runtimes.containsKey(pod) && System.nanoTime() < deadline) sleep(10);
            runtime.closeAttaches(false);
        }
        sleep(300);
        setStatus(pod, new PodStatusBuilder().withPhase("Failed").withReason("Evicted").withMessage(message)
                .withContainerStatuses(new ContainerStatusBuilder().withName(Manifests.CONTAINER)
                        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(137).withReason("Error").endTerminated().build())
                        .build())
                .build());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The connection between the API server and the harness drops (the process keeps running). */
    public void dropAttach(String pod) {
        PodRuntime runtime = runtimes.get(pod);
        if (runtime != null) runtime.closeAttaches(true);
    }

    /**
     * The connection drops with the next bytes the harness sends the pod: they are lost with it (sent on the old
     * connection just before it dropped), and the process keeps running.
     */
    public void dropWithNextStdin(String pod) {
        PodRuntime runtime = runtimes.get(pod);
        if (runtime != null) runtime.dropWithNextStdin.set(true);
    }

    void setStatus(String pod, PodStatus status) {
        try {
            kubeletClient.pods().inNamespace(NAMESPACE).withName(pod).editStatus(p -> {
                p.setStatus(status);
                return p;
            });
        } catch (RuntimeException e) {
            // deleted meanwhile
        }
    }

    /** The pod's container has ended: how, as a kubelet reports it. */
    void terminated(String pod, int exitCode, boolean oom) {
        setStatus(pod, new PodStatusBuilder().withPhase("Failed")
                .withContainerStatuses(new ContainerStatusBuilder().withName(Manifests.CONTAINER).withReady(false)
                        .withState(new ContainerStateBuilder().withNewTerminated().withExitCode(exitCode)
                                .withReason(oom ? "OOMKilled" : exitCode == 0 ? "Completed" : "Error").endTerminated().build())
                        .build())
                .build());
    }

    @Override
    public void close() {
        kubelet.close();
        runtimes.values().forEach(PodRuntime::kill);
        runtimes.clear();
        kubeletClient.close();
        server.destroy();
    }

    /** What runs a pod's container in this stand-in. */
    public abstract static class PodRuntime {
        protected final String pod;
        private final List<WebSocket> attached = new CopyOnWriteArrayList<>();
        private final java.util.concurrent.atomic.AtomicBoolean dropWithNextStdin = new java.util.concurrent.atomic.AtomicBoolean();
        private MockCluster cluster;

        protected PodRuntime(Pod pod) { this.pod = pod.getMetadata().getName(); }

        abstract void start() throws IOException;

        /** Bytes from the harness on channel 0. */
        abstract void stdin(byte[] bytes, int offset, int length);

        abstract void kill();

        /** Sends bytes to every attached harness on channel 1 (stdout) or 2 (stderr), one frame each. */
        protected void emit(int channel, byte[] bytes, int length) {
            if (channel == 1 || channel == 2) {
                cluster.logs.computeIfAbsent(pod, p -> new StringBuffer()).append(new String(bytes, 0, length, StandardCharsets.UTF_8));
            }
            byte[] frame = new byte[length + 1];
            frame[0] = (byte) channel;
            System.arraycopy(bytes, 0, frame, 1, length);
            for (WebSocket ws : attached) ws.send(frame);
        }

        /** The process ended: the kubelet records it, then the API server sends the status on channel 3 and closes. */
        protected void exited(int code, boolean oom) {
            cluster.runtimes.remove(pod);
            cluster.terminated(pod, code, oom);
            String status = code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
                    : "{\"metadata\":{},\"status\":\"Failure\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"" + code + "\"}]}}";
            byte[] bytes = status.getBytes(StandardCharsets.UTF_8);
            emit(3, bytes, bytes.length);
            closeAttaches(false);
        }

        void closeAttaches(boolean abnormally) {
            for (WebSocket ws : attached) ws.close(abnormally ? 1011 : 1000, abnormally ? "connection dropped" : "");
            attached.clear();
        }
    }

    /** The pod's command and environment as a real local process (the driver), with a memory watchdog standing in for the cgroup. */
    static final class ProcessRuntime extends PodRuntime {
        private final Pod spec;
        private Process process;
        private Path dir;
        private volatile boolean oomKilled;

        ProcessRuntime(Pod pod) {
            super(pod);
            this.spec = pod;
        }

        @Override
        void start() throws IOException {
            var container = spec.getSpec().getContainers().get(0);
            dir = Files.createTempDirectory("evalbox-mockpod-");
            ProcessBuilder builder = new ProcessBuilder(container.getCommand()).directory(dir.toFile());
            container.getEnv().forEach(e -> builder.environment().put(e.getName(), e.getValue()));
            // On a node the pod has a pid namespace of its own; here it shares the host's, so a timeout may only
            // stop the driver's descendants, and its home and caches are its temporary directory.
            builder.environment().put("EVALBOX_PROCESS_SCOPE", "descendants");
            builder.environment().put("HOME", dir.toString());
            builder.environment().put("MPLCONFIGDIR", dir.resolve(".cache/matplotlib").toString());
            builder.environment().put("IPYTHONDIR", dir.resolve(".cache/ipython").toString());
            process = builder.start();
            long limit = Quantity.getAmountInBytes(container.getResources().getLimits().get("memory")).longValue();
            Thread out = pump(process.getInputStream(), 1);
            Thread err = pump(process.getErrorStream(), 2);
            Thread watcher = new Thread(() -> {
                int code;
                try {
                    code = process.waitFor();
                    // As a kubelet's: the container's output is all there (log, attach) before its end is reported. A
                    // descendant still holding the pipes open does not hold the end up for more than a few seconds.
                    out.join(5_000);
                    err.join(5_000);
                } catch (InterruptedException e) {
                    return;
                }
                exited(oomKilled ? 137 : code, oomKilled);
                deleteDir();
            }, "mock-kubelet-wait-" + pod);
            watcher.setDaemon(true);
            watcher.start();
            Thread memory = new Thread(() -> watchMemory(limit), "mock-kubelet-memory-" + pod);
            memory.setDaemon(true);
            memory.start();
        }

        /** The cgroup's OOM killer, approximately: the process tree's resident memory, read every 20 ms. */
        private void watchMemory(long limit) {
            while (process.isAlive()) {
                long rss = rss(process.toHandle());
                try (var children = process.descendants()) {
                    rss += children.mapToLong(ProcessRuntime::rss).sum();
                }
                if (rss > limit) {
                    oomKilled = true;
                    kill();
                    return;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private static long rss(ProcessHandle handle) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(handle.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            } catch (IOException | RuntimeException e) {
                // gone
            }
            return 0;
        }

        private Thread pump(java.io.InputStream in, int channel) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[32768];
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) emit(channel, buffer, n);
                } catch (IOException e) {
                    // ended
                }
            }, "mock-kubelet-out-" + pod);
            t.setDaemon(true);
            t.start();
            return t;
        }

        @Override
        void stdin(byte[] bytes, int offset, int length) {
            try {
                process.getOutputStream().write(bytes, offset, length);
                process.getOutputStream().flush();
            } catch (IOException e) {
                // the process ended; its status follows
            }
        }

        @Override
        void kill() {
            if (process == null) return;
            try (var children = process.descendants()) {
                children.forEach(ProcessHandle::destroyForcibly);
            }
            process.destroyForcibly();
        }

        private void deleteDir() {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException | java.io.UncheckedIOException e) {
                // best effort
            }
        }
    }

    /** The node: schedules pods (or not), pulls images (or not), starts containers, and stops them on deletion. */
    private final class Kubelet implements ResourceEventHandler<Pod> {
        @Override
        public void onAdd(Pod pod) {
            if (pod.getStatus() != null && pod.getStatus().getPhase() != null) return;
            String name = pod.getMetadata().getName();
            var container = pod.getSpec().getContainers().get(0);
            double cpus = Quantity.getAmountInBytes(container.getResources().getRequests().get("cpu")).doubleValue();
            if (cpus > NODE_CPUS) {
                setStatus(name, new PodStatusBuilder().withPhase("Pending").withConditions(new PodConditionBuilder()
                        .withType("PodScheduled").withStatus("False").withReason("Unschedulable")
                        .withMessage("0/1 nodes are available: 1 Insufficient cpu.").build()).build());
                return;
            }
            if (UNPULLABLE.equals(container.getImage())) {
                setStatus(name, new PodStatusBuilder().withPhase("Pending")
                        .withContainerStatuses(new ContainerStatusBuilder().withName(Manifests.CONTAINER).withReady(false)
                                .withState(new ContainerStateBuilder().withNewWaiting().withReason("ErrImagePull")
                                        .withMessage("failed to pull image \"" + UNPULLABLE + "\": not found").endWaiting().build()).build())
                        .build());
                return;
            }
            PodRuntime runtime = runtimeFactory.apply(pod);
            runtime.cluster = MockCluster.this;
            try {
                runtime.start();
            } catch (IOException e) {
                terminated(name, 127, false);
                return;
            }
            runtimes.put(name, runtime);
            String now = ZonedDateTime.now().toString();
            setStatus(name, new PodStatusBuilder().withPhase("Running")
                    .withConditions(new PodConditionBuilder().withType("PodScheduled").withStatus("True").build(),
                            new PodConditionBuilder().withType("Ready").withStatus("True").build())
                    .withContainerStatuses(new ContainerStatusBuilder().withName(Manifests.CONTAINER).withReady(true).withStarted(true)
                            .withImage(container.getImage())
                            .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(now).endRunning().build()).build())
                    .build());
        }

        @Override
        public void onUpdate(Pod before, Pod pod) { }

        @Override
        public void onDelete(Pod pod, boolean unknown) {
            logs.remove(pod.getMetadata().getName());
            PodRuntime runtime = runtimes.remove(pod.getMetadata().getName());
            if (runtime != null) {
                runtime.kill();
                runtime.closeAttaches(false);
            }
        }
    }

    /** The API server: CRUD for everything, the v4 attach websocket for pods/attach, and 429s when asked. */
    private final class ClusterDispatcher extends Dispatcher {
        private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();

        @Override
        public MockResponse dispatch(RecordedRequest request) {
            String path = request.getPath();
            Matcher attach = ATTACH.matcher(path);
            if (attach.matches()) return attach(attach.group(2));
            Matcher configz = CONFIGZ.matcher(path);
            if (configz.matches() && "GET".equals(request.getMethod())) return configz(configz.group(1));
            Matcher log = LOG.matcher(path);
            if (log.matches() && "GET".equals(request.getMethod())) return log(log.group(2));
            if ("POST".equals(request.getMethod()) && path.startsWith(ACCESS_REVIEWS)) return accessReview(request.getUtf8Body());
            if ("POST".equals(request.getMethod()) && path.startsWith("/api/v1/namespaces/") && path.split("\\?")[0].endsWith("/pods")
                    && throttleNextCreates.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throttledCreates.incrementAndGet();
                return new MockResponse().setResponseCode(429).setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"too many requests\","
                                + "\"reason\":\"TooManyRequests\",\"code\":429}");
            }
            return crud.dispatch(request);
        }

        private MockResponse log(String pod) {
            StringBuffer written = logs.get(pod);
            if (written == null) return notFound();
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain").setBody(written.toString());
        }

        /** A SelfSubjectAccessReview answered as an API server would, allowed unless the right is in {@link #denied}. */
        private MockResponse accessReview(String body) {
            try {
                var json = new com.fasterxml.jackson.databind.ObjectMapper();
                var review = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(body);
                var attributes = review.path("spec").path("resourceAttributes");
                String subresource = attributes.path("subresource").asText("");
                String right = attributes.path("verb").asText() + " " + attributes.path("resource").asText()
                        + (subresource.isEmpty() ? "" : "/" + subresource);
                boolean allowed = !denied.contains(right);
                var status = review.putObject("status").put("allowed", allowed);
                if (!allowed) status.put("reason", "no rule grants " + right);
                return new MockResponse().setResponseCode(201).setHeader("Content-Type", "application/json").setBody(json.writeValueAsString(review));
            } catch (IOException | ClassCastException e) {
                return new MockResponse().setResponseCode(400).setBody(String.valueOf(e.getMessage()));
            }
        }

        private MockResponse notFound() {
            return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
                    .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
        }

        private MockResponse configz(String node) {
            if (nodeProxyForbidden) {
                return new MockResponse().setResponseCode(403).setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"nodes \\\"" + node
                                + "\\\" is forbidden: User \\\"evalbox\\\" cannot get resource \\\"nodes/proxy\\\" in API group \\\"\\\" at the cluster scope\","
                                + "\"reason\":\"Forbidden\",\"code\":403}");
            }
            String config = kubeletConfigs.get(node);
            if (config == null) {
                return new MockResponse().setResponseCode(404).setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}");
            }
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "application/json").setBody(config);
        }

        private MockResponse attach(String pod) {
            attaches.incrementAndGet();
            PodRuntime runtime = runtimes.get(pod);
            if (runtime == null) {
                return new MockResponse().setResponseCode(400).setHeader("Content-Type", "application/json")
                        .setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"container sandbox is not running\",\"code\":400}");
            }
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) { runtime.attached.add(ws); }

                @Override
                public void onMessage(WebSocket ws, byte[] bytes) {
                    if (bytes.length == 0 || bytes[0] != 0) return;
                    if (runtime.dropWithNextStdin.compareAndSet(true, false)) {
                        runtime.closeAttaches(true);
                        return;
                    }
                    runtime.stdin(bytes, 1, bytes.length - 1);
                }

                @Override
                public void onMessage(WebSocket ws, ByteString bytes) { onMessage(ws, bytes.toByteArray()); }

                @Override
                public void onClosed(WebSocket ws, int code, String reason) { runtime.attached.remove(ws); }
            });
        }
    }
}
