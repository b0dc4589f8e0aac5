package dev.evalbox.sandbox.kubernetes;

import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxProcess;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What the cluster says about this provider's pods, from one informer (one watch) on the pods of its owner
 * label, however many pods there are: a sandbox waits for its pod to run, and a dead driver's pod says how it
 * ended, on events rather than on polls of its own. Pods the scheduler cannot place are counted and their
 * reason kept, so an opener that gives up can say why.
 */
final class PodTracker implements ResourceEventHandler<Pod>, AutoCloseable {
    /** Container waiting reasons that will not pass by themselves: the sandbox fails at once. */
    private static final Set<String> FATAL_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
            "ErrImageNeverPull", "CreateContainerConfigError", "CreateContainerError", "RunContainerError");
    /** How long a container's kill waits for the pod's own reason (an eviction, a deadline) before it stands as the verdict. */
    static final Duration POD_REASON_GRACE = Duration.ofSeconds(2);

    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final KubernetesStats stats;
    private SharedIndexInformer<Pod> informer;

    PodTracker(KubernetesStats stats) { this.stats = stats; }

    /** One pod's way to running and its end. */
    static final class Tracked {
        final String name;
        final CompletableFuture<Pod> running = new CompletableFuture<>();
        final CompletableFuture<SandboxProcess.ExitInfo> ended = new CompletableFuture<>();
        volatile String unschedulable;
        volatile boolean countedUnschedulable;

        Tracked(String name) { this.name = name; }
    }

    void start(KubernetesClient client, String namespace, Owner owner) {
        informer = client.pods().inNamespace(namespace).withLabel(Manifests.LABEL_OWNER, owner.id()).inform(this, 0);
    }

    /** Starts following a pod; call before creating it, so that no event is missed. */
    Tracked track(String name) { return tracked.computeIfAbsent(name, Tracked::new); }

    void forget(String name) { tracked.remove(name); }

    @Override
    public void onAdd(Pod pod) { observe(pod); }

    @Override
    public void onUpdate(Pod before, Pod pod) { observe(pod); }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
        Tracked t = tracked.get(pod.getMetadata().getName());
        if (t == null) return;
        SandboxProcess.ExitInfo exit = exitOf(pod);
        SandboxProcess.ExitInfo info = exit != null ? exit : new SandboxProcess.ExitInfo(null, false, "lost its pod, which was deleted");
        t.running.completeExceptionally(new SandboxException("the pod " + t.name + " was deleted before its driver started"));
        t.ended.complete(info);
    }

    private void observe(Pod pod) {
        Tracked t = tracked.get(pod.getMetadata().getName());
        if (t == null || pod.getStatus() == null) return;
        SandboxProcess.ExitInfo exit = exitOf(pod);
        if (exit != null) {
            if (!t.running.isDone()) {
                t.running.completeExceptionally(new SandboxException("the pod " + t.name + " ended before its driver started: the container "
                        + exit.describe()));
            }
            if (killedFromOutside(pod, exit)) {
                // An eviction or a deadline kills the container first and may write the pod's reason a moment later.
                CompletableFuture.delayedExecutor(POD_REASON_GRACE.toMillis(), TimeUnit.MILLISECONDS).execute(() -> t.ended.complete(exit));
            } else {
                t.ended.complete(exit);
            }
            return;
        }
        for (PodCondition condition : pod.getStatus().getConditions()) {
            if ("PodScheduled".equals(condition.getType()) && "False".equals(condition.getStatus())
                    && "Unschedulable".equals(condition.getReason())) {
                t.unschedulable = condition.getMessage() == null ? "no node can take it" : condition.getMessage();
                if (!t.countedUnschedulable) {
                    t.countedUnschedulable = true;
                    stats.unschedulable.incrementAndGet();
                }
            }
        }
        ContainerStatus status = container(pod);
        if (status == null || status.getState() == null) return;
        ContainerStateWaiting waiting = status.getState().getWaiting();
        if (waiting != null && FATAL_WAITING.contains(waiting.getReason())) {
            if (waiting.getReason().contains("Image")) stats.imagePullFailures.incrementAndGet();
            t.running.completeExceptionally(new SandboxException(waitingMessage(pod, waiting)));
        } else if (status.getState().getRunning() != null) {
            t.unschedulable = null;
            t.running.complete(pod);
        }
    }

    private static String waitingMessage(Pod pod, ContainerStateWaiting waiting) {
        String image = pod.getSpec().getContainers().get(0).getImage();
        String detail = waiting.getMessage() == null ? "" : ": " + waiting.getMessage();
        if (waiting.getReason().contains("Image")) {
            return "the cluster cannot pull the sandbox image " + image + " (" + waiting.getReason() + detail
                    + "); push it to a registry the cluster can pull with `evalbox image push` and pass it with --image";
        }
        return "the cluster cannot start the sandbox container (" + waiting.getReason() + detail + ")";
    }

    private static ContainerStatus container(Pod pod) {
        for (ContainerStatus status : pod.getStatus().getContainerStatuses()) {
            if (Manifests.CONTAINER.equals(status.getName())) return status;
        }
        return null;
    }

    /**
     * A container killed by SIGKILL or SIGTERM (exit code 137 or 143, not for memory) while the pod gives no reason of
     * its own: the kill may have come from an eviction or the pod's deadline, whose reason the kubelet can report after
     * the container's end; the first verdict waits {@link #POD_REASON_GRACE} for it.
     */
    private static boolean killedFromOutside(Pod pod, SandboxProcess.ExitInfo exit) {
        return exit.reason() == null && !exit.oomKilled() && exit.exitCode() != null
                && (exit.exitCode() == 137 || exit.exitCode() == 143) && pod.getStatus().getReason() == null;
    }

    /** How the pod's driver ended, or null while it has not. */
    static SandboxProcess.ExitInfo exitOf(Pod pod) {
        if (pod.getStatus() == null) return null;
        ContainerStatus status = container(pod);
        ContainerStateTerminated terminated = status == null || status.getState() == null ? null : status.getState().getTerminated();
        String reason = pod.getStatus().getReason();
        if ("Evicted".equals(reason)) {
            return new SandboxProcess.ExitInfo(null, false, "was evicted with its pod by the node ("
                    + (pod.getStatus().getMessage() == null ? "no message" : pod.getStatus().getMessage().trim()) + ")");
        }
        if ("DeadlineExceeded".equals(reason)) {
            return new SandboxProcess.ExitInfo(null, false, "was stopped at the pod's activeDeadlineSeconds ("
                    + pod.getSpec().getActiveDeadlineSeconds() + " s)");
        }
        if (terminated != null) {
            return new SandboxProcess.ExitInfo(terminated.getExitCode(), "OOMKilled".equals(terminated.getReason()));
        }
        if ("Failed".equals(pod.getStatus().getPhase()) || "Succeeded".equals(pod.getStatus().getPhase())) {
            return new SandboxProcess.ExitInfo(null, false, "ended with its pod (" + pod.getStatus().getPhase() + ")");
        }
        return null;
    }

    @Override
    public void close() {
        if (informer != null) informer.close();
    }
}
