package dev.evalbox.unittests.eval.stats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.eval.Metrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What repeated attempts add to a pass/fail benchmark's metrics, for any benchmark: with N &gt;= 2 epochs,
 * pass@k and pass^k for k = 1..N, each task's unbiased estimate from its n attempts of which c passed
 * ({@link PassAtK}), averaged over tasks, in percent, under {@code epochs} in metrics.json, with their
 * observations so that {@link Uncertainty} gives them intervals too. A row without a verdict counts as a failure.
 */
public final class EpochMetrics {
    private EpochMetrics() { }

    /** The highest epoch in the rows (1 for rows written before epochs existed). */
    public static int epochs(List<JsonNode> rows) {
        int max = 1;
        for (JsonNode row : rows) max = Math.max(max, row.path("epoch").asInt(1));
        return max;
    }

    public static Metrics attach(Metrics metrics, List<JsonNode> rows) {
        int epochs = epochs(rows);
        if (epochs < 2) return metrics;
        ObjectNode values = metrics.values().deepCopy();
        ObjectNode node = values.putObject("epochs").put("count", epochs);
        List<String> lines = new ArrayList<>(metrics.summary());
        Map<String, int[]> counts = new LinkedHashMap<>();
        boolean passFail = true;
        for (JsonNode row : rows) {
            if (!row.has("passed") || row.has("score") && !row.path("score").isNull()) {
                passFail = false;
                break;
            }
            int[] count = counts.computeIfAbsent(row.path("task_id").asText(), t -> new int[2]);
            count[0]++;
            if (row.path("passed").asBoolean(false)) count[1]++;
        }
        if (!passFail || counts.isEmpty()) {
            lines.add(epochs + " epochs: each task's score is the mean over its attempts");
            return new Metrics(values, metrics.headline(), lines, metrics.observations());
        }
        ObjectNode at = node.putObject("pass@k");
        ObjectNode all = node.putObject("pass^k");
        StringBuilder line = new StringBuilder(epochs + " epochs:");
        for (int k = 1; k <= epochs; k++) {
            String atK = Observations.pointer("epochs", "pass@k", String.valueOf(k));
            String allK = Observations.pointer("epochs", "pass^k", String.valueOf(k));
            double sumAt = 0;
            double sumAll = 0;
            int tasks = 0;
            for (var entry : counts.entrySet()) {
                int n = entry.getValue()[0];
                int c = entry.getValue()[1];
                if (n < k) continue; // a task with fewer attempts than k has no estimate at this k
                double a = 100 * PassAtK.estimate(n, c, k);
                double b = 100 * PassAtK.estimateAll(n, c, k);
                metrics.observations().add(atK, 0, 100, entry.getKey(), a).add(allK, 0, 100, entry.getKey(), b);
                sumAt += a;
                sumAll += b;
                tasks++;
            }
            if (tasks == 0) continue;
            at.put(String.valueOf(k), sumAt / tasks);
            all.put(String.valueOf(k), sumAll / tasks);
            line.append(String.format(Locale.ROOT, "  pass@%d %.1f  pass^%d %.1f", k, sumAt / tasks, k, sumAll / tasks));
        }
        lines.add(line.toString());
        return new Metrics(values, metrics.headline(), lines, metrics.observations());
    }
}
