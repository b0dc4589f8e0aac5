package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.SandboxCheck;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * {@code evalbox doctor --backend kubernetes}: credentials, the API server, the namespace, the permissions the
 * backend uses, the NetworkPolicy, and a probe pod that shows the image can be pulled and that the policy
 * blocks egress (it tries to connect to the Kubernetes API service's address, which must fail), and the process
 * limit the probe's node gives a pod (the kubelet's podPidsLimit: a pod has none of its own).
 */
final class KubernetesDoctor {

    /** The permissions the backend needs in its namespace: verb, resource (with subresource), API group. */
    static final List<String[]> PERMISSIONS = List.of(
            new String[] {"create", "pods", ""}, new String[] {"delete", "pods", ""}, new String[] {"get", "pods", ""},
            new String[] {"list", "pods", ""}, new String[] {"watch", "pods", ""}, new String[] {"create", "pods/attach", ""},
            new String[] {"get", "pods/attach", ""}, new String[] {"get", "pods/log", ""},
            new String[] {"get", "networkpolicies", "networking.k8s.io"}, new String[] {"create", "networkpolicies", "networking.k8s.io"},
            new String[] {"get", "leases", "coordination.k8s.io"}, new String[] {"list", "leases", "coordination.k8s.io"},
            new String[] {"create", "leases", "coordination.k8s.io"}, new String[] {"patch", "leases", "coordination.k8s.io"},
            new String[] {"delete", "leases", "coordination.k8s.io"});

    private static final String PROBE = String.join("\n",
            "import os, socket, sys",
            "host = sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else os.environ.get('KUBERNETES_SERVICE_HOST', '')",
            "port = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] else int(os.environ.get('KUBERNETES_SERVICE_PORT', '443'))",
            "if not host:",
            "    print('EGRESS-UNKNOWN no address to try: no kubernetes service was readable and the pod has no KUBERNETES_SERVICE_HOST')",
            "    sys.exit(0)",
            "try:",
            "    socket.create_connection((host, port), timeout=5).close()",
            "    print('EGRESS-OPEN %s:%d' % (host, port))",
            "except Exception as e:",
            "    print('EGRESS-BLOCKED %s:%d %s' % (host, port, type(e).__name__))",
            "");

    private KubernetesDoctor() { }

    /**
     * Runs the checks in order on {@code provider}'s cluster, telling {@code out} each as it ends; stops early where later
     * checks cannot run. The provider is the caller's: the checks use its client.
     */
    static List<SandboxCheck> run(KubernetesSandboxProvider provider, SandboxSpec spec, Consumer<SandboxCheck> out) {
        List<SandboxCheck> checks = new ArrayList<>();
        Consumer<SandboxCheck> record = c -> {
            checks.add(c);
            out.accept(c);
        };
        if (provider.explicitConfig()) {
            record.accept(new SandboxCheck("credentials", true, "the client configuration given to the provider", ""));
        } else {
            String credentials = KubernetesAccess.credentialsProblem();
            record.accept(new SandboxCheck("credentials", credentials == null, "a kubeconfig or in-cluster service account",
                    credentials + "; see docs/kubernetes.md (a kind or k3s cluster for a laptop)"));
            if (credentials != null) return checks;
        }
        // The provider's quick probe (no retries): an API server that does not answer is said in seconds.
        SandboxProvider.Availability reachable = provider.available(spec);
        if (!reachable.ok()) {
            record.accept(new SandboxCheck("API server", false, "", reachable.reason()));
            return checks;
        }
        KubernetesClient client = provider.client();
        try {
            var version = client.getKubernetesVersion();
            record.accept(new SandboxCheck("API server", true, client.getMasterUrl() + " (Kubernetes " + version.getGitVersion() + ")", ""));
        } catch (RuntimeException e) {
            record.accept(new SandboxCheck("API server", false, "", "cannot reach " + client.getMasterUrl() + ": " + KubernetesAccess.describe(e)));
            return checks;
        }
        String namespace = provider.namespace(spec);
        try {
            boolean exists = client.namespaces().withName(namespace).get() != null;
            record.accept(new SandboxCheck("namespace", exists, namespace, "kubectl create namespace " + namespace + " (or pass --namespace)"));
            if (!exists) return checks;
        } catch (KubernetesClientException e) {
            record.accept(new SandboxCheck("namespace", true, namespace + " (cannot read namespaces: " + KubernetesAccess.describe(e) + ")", ""));
        }
        List<String> denied = new ArrayList<>();
        for (String[] p : PERMISSIONS) {
            if (!allowed(client, namespace, p)) denied.add(p[0] + " " + p[1]);
        }
        record.accept(new SandboxCheck("permissions", denied.isEmpty(), "pods, pods/attach, pods/log, networkpolicies, leases",
                "missing in " + namespace + ": " + String.join(", ", denied) + "; apply the Role in docs/kubernetes.md"));
        // Reported, not created: doctor changes nothing in the cluster but its probe pod (the provider creates the policy on
        // first use, given the permission).
        try {
            boolean policy = client.network().v1().networkPolicies().inNamespace(namespace).withName(Manifests.NETWORK_POLICY).get() != null;
            record.accept(new SandboxCheck("network policy", policy, Manifests.NETWORK_POLICY + " in " + namespace,
                    Manifests.NETWORK_POLICY + " is not in namespace " + namespace + ": apply the NetworkPolicy in docs/kubernetes.md"
                            + " (the backend also creates it on first use, given the permission)"));
        } catch (KubernetesClientException e) {
            record.accept(new SandboxCheck("network policy", false, "", "cannot read " + Manifests.NETWORK_POLICY + " in " + namespace + ": "
                    + KubernetesAccess.describe(e) + "; apply the NetworkPolicy in docs/kubernetes.md"));
        }
        String node = probe(client, namespace, spec, record);
        record.accept(pidsLimit(client, node, spec.pidsLimit()));
        return checks;
    }

    /**
     * The process limit a sandbox pod really has. A pod has no pids field, so evalbox's portable limit is not applied;
     * what holds is the kubelet's {@code podPidsLimit} ({@code --pod-max-pids}) on the pod's node, read here from the
     * kubelet's configuration through the API server ({@code nodes/NODE/proxy/configz}, which needs {@code get} on
     * {@code nodes/proxy}, a permission evalbox's Role does not ask for: without it the line is a note). Unset (-1, the
     * kubelet's default) is a failure: a fork bomb in one sandbox could then exhaust the node's process table.
     */
    static SandboxCheck pidsLimit(KubernetesClient client, String node, long asked) {
        String what = "pids limit";
        String plain = "a pod has no process limit of its own, so evalbox's pids limit (" + asked
                + ") is not applied on Kubernetes; the kubelet's podPidsLimit is what holds";
        if (node == null) return SandboxCheck.note(what, plain + " (the probe pod ran on no known node, so it was not read)");
        String body;
        try {
            String base = client.getMasterUrl().toString();
            body = client.raw((base.endsWith("/") ? base : base + "/") + "api/v1/nodes/"
                    + java.net.URLEncoder.encode(node, java.nio.charset.StandardCharsets.UTF_8) + "/proxy/configz");
        } catch (KubernetesClientException e) {
            return SandboxCheck.note(what, plain + "; node " + node + "'s could not be read (" + KubernetesAccess.describe(e)
                    + "; reading it needs get on nodes/proxy)");
        }
        if (body == null) return SandboxCheck.note(what, plain + "; node " + node + "'s kubelet configuration was not found");
        long limit;
        try {
            var pids = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("kubeletconfig").path("podPidsLimit");
            limit = pids.isNumber() ? pids.asLong() : -1; // absent: the kubelet's default, -1 (no limit)
        } catch (java.io.IOException e) {
            return SandboxCheck.note(what, plain + "; node " + node + "'s kubelet configuration is not JSON");
        }
        if (limit <= 0) {
            return new SandboxCheck(what, false, "", plain + ", and on node " + node + " it is unset (no limit: a fork bomb in a sandbox can"
                    + " exhaust the node's process table); set podPidsLimit (e.g. " + asked + ") in the kubelet configuration of the"
                    + " sandbox nodes (--pod-max-pids)");
        }
        return new SandboxCheck(what, true, limit + " processes per pod (podPidsLimit of node " + node + "; evalbox's own limit, " + asked
                + ", is not applied: a pod has none)", "");
    }

    private static boolean allowed(KubernetesClient client, String namespace, String[] permission) {
        String[] resource = permission[1].split("/", 2);
        SelfSubjectAccessReview review = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                .withNamespace(namespace).withVerb(permission[0]).withResource(resource[0])
                .withSubresource(resource.length > 1 ? resource[1] : null).withGroup(permission[2])
                .endResourceAttributes().endSpec().build();
        try {
            SelfSubjectAccessReview answer = client.authorization().v1().selfSubjectAccessReview().create(review);
            return answer.getStatus() != null && Boolean.TRUE.equals(answer.getStatus().getAllowed());
        } catch (KubernetesClientException e) {
            return false;
        }
    }

    /** A sandbox pod with the probe as its program: the image pulls, the policy applies, egress fails; returns its node, if known. */
    private static String probe(KubernetesClient client, String namespace, SandboxSpec spec, Consumer<SandboxCheck> record) {
        String host = "";
        String port = "";
        try {
            Service api = client.services().inNamespace("default").withName("kubernetes").get();
            if (api != null) {
                host = api.getSpec().getClusterIP();
                port = String.valueOf(api.getSpec().getPorts().get(0).getPort());
            }
        } catch (KubernetesClientException e) {
            // the probe falls back on the address the kubelet gives every pod
        }
        String name = "evalbox-doctor-" + UUID.randomUUID().toString().substring(0, 8);
        Pod pod = Manifests.pod(name, namespace, spec, KubernetesOptions.of(spec), Owner.current(), java.util.Map.of(Manifests.LABEL_TASK, "doctor"));
        pod.getSpec().getContainers().get(0).setCommand(List.of(spec.pythonExecutable(), "-c", PROBE, host, port));
        pod.getSpec().getContainers().get(0).setStdin(false);
        try {
            client.pods().inNamespace(namespace).resource(pod).create();
            Pod ended = client.pods().inNamespace(namespace).withName(name).waitUntilCondition(p -> p == null
                    || PodTracker.exitOf(p) != null || waitingReason(p) != null, 180, java.util.concurrent.TimeUnit.SECONDS);
            String waiting = ended == null ? null : waitingReason(ended);
            if (waiting != null) {
                record.accept(new SandboxCheck("image", false, "", "the cluster cannot pull " + spec.image() + " (" + waiting
                        + "): `evalbox image push REGISTRY/evalbox/python:TAG` and pass --image"));
                return ended.getSpec().getNodeName();
            }
            record.accept(new SandboxCheck("image", true, spec.image() + " pulled and started", ""));
            String log = client.pods().inNamespace(namespace).withName(name).getLog().strip();
            boolean blocked = log.startsWith("EGRESS-BLOCKED");
            record.accept(new SandboxCheck("egress blocked", blocked, log,
                    log.startsWith("EGRESS-OPEN") ? "the probe reached " + log.substring(12) + ": the cluster's network plugin does not enforce"
                            + " NetworkPolicy (use Calico or Cilium; kind's default CNI does not)"
                            : log.startsWith("EGRESS-UNKNOWN") ? "egress was not tested: " + log.substring(15)
                            : "the probe said: " + (log.isEmpty() ? "nothing" : log)));
            return ended == null ? null : ended.getSpec().getNodeName();
        } catch (RuntimeException e) {
            record.accept(new SandboxCheck("probe pod", false, "", KubernetesAccess.describe(e)));
            return null;
        } finally {
            try {
                client.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
            } catch (RuntimeException e) {
                // it was not created
            }
        }
    }

    private static String waitingReason(Pod pod) {
        if (pod.getStatus() == null) return null;
        for (var status : pod.getStatus().getContainerStatuses()) {
            var waiting = status.getState() == null ? null : status.getState().getWaiting();
            if (waiting != null && waiting.getReason() != null && waiting.getReason().contains("Image")) return waiting.getReason();
        }
        return null;
    }
}
