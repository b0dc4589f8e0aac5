package dev.evalbox.sandbox.kubernetes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a Kubernetes provider met so far, counted rather than waited on: pods created, pods the scheduler
 * could not place, image pull failures, the API server's 429s (retried with back-off), attach connections
 * that dropped and were made again, and sandboxes lost because the second one dropped too.
 */
public final class KubernetesStats {
    final AtomicLong created = new AtomicLong();
    final AtomicLong unschedulable = new AtomicLong();
    final AtomicLong imagePullFailures = new AtomicLong();
    final AtomicLong throttled = new AtomicLong();
    final AtomicLong reattached = new AtomicLong();
    final AtomicLong lost = new AtomicLong();

    public long created() { return created.get(); }
    public long unschedulable() { return unschedulable.get(); }
    public long imagePullFailures() { return imagePullFailures.get(); }
    public long throttled() { return throttled.get(); }
    public long reattached() { return reattached.get(); }
    public long lost() { return lost.get(); }

    /** The counts under the keys the run record's {@code sandbox.counters} uses (docs/kubernetes.md). */
    public Map<String, Long> asMap() {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put("pods_created", created());
        map.put("unschedulable", unschedulable());
        map.put("image_pull_failures", imagePullFailures());
        map.put("throttled_429", throttled());
        map.put("attach_reattached", reattached());
        map.put("sandboxes_lost", lost());
        return map;
    }

    @Override
    public String toString() {
        return created() + " pods created, " + unschedulable() + " unschedulable, " + imagePullFailures() + " image pull failures, "
                + throttled() + " requests throttled (429), " + reattached() + " attach connections re-made, " + lost() + " sandboxes lost";
    }
}
