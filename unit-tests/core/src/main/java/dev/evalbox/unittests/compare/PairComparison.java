package dev.evalbox.unittests.compare;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.stats.Bootstrap;
import dev.evalbox.unittests.eval.stats.Estimate;
import dev.evalbox.unittests.eval.stats.McNemar;
import dev.evalbox.unittests.eval.stats.SignTest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Two runs of one benchmark paired by task id; tasks in only one run are listed and left out. For
 * pass/fail: the 2x2 table (a task counts as passed when at least half its attempts passed), McNemar's
 * exact test, and the mean paired difference of per-task pass rates, A - B in percentage points, with the
 * normal 95% interval from the paired differences' standard error (n - 1), clipped to [-100, 100]. For
 * scores: the mean paired difference, its paired percentile bootstrap 95% interval and the sign test.
 *
 * @param table   the 2x2 table, null for scores
 * @param flipped the tasks one run passes and the other fails (pass/fail only)
 */
public record PairComparison(ComparedRun a, ComparedRun b, List<String> paired, List<String> onlyInA, List<String> onlyInB,
                             McNemar table, SignTest sign, double difference, double ciLow, double ciHigh, double pValue,
                             List<String> flipped) {

    /** Task ids in order: numeric ids by value, before the others, which go by text. */
    static final Comparator<String> TASK_ORDER = (x, y) -> {
        boolean xNumber = x.matches("\\d{1,18}");
        boolean yNumber = y.matches("\\d{1,18}");
        if (xNumber && yNumber) return Long.compare(Long.parseLong(x), Long.parseLong(y));
        if (xNumber != yNumber) return xNumber ? -1 : 1;
        return x.compareTo(y);
    };

    public static PairComparison of(ComparedRun a, ComparedRun b, Bootstrap bootstrap) {
        if (!a.benchmark().equals(b.benchmark())) {
            throw new IllegalArgumentException(a.path() + " is a " + a.benchmark() + " run and " + b.path() + " a " + b.benchmark() + " run");
        }
        List<String> paired = new ArrayList<>();
        List<String> onlyInA = new ArrayList<>();
        List<String> onlyInB = new ArrayList<>();
        a.taskValues().keySet().forEach(task -> (b.taskValues().containsKey(task) ? paired : onlyInA).add(task));
        b.taskValues().keySet().forEach(task -> {
            if (!a.taskValues().containsKey(task)) onlyInB.add(task);
        });
        // in the benchmark's order of ids (numbers as numbers), not the order the runs happened to finish them
        paired.sort(TASK_ORDER);
        onlyInA.sort(TASK_ORDER);
        onlyInB.sort(TASK_ORDER);
        double[] differences = new double[paired.size()];
        for (int i = 0; i < differences.length; i++) {
            differences[i] = a.taskValues().get(paired.get(i)) - b.taskValues().get(paired.get(i));
        }
        boolean passFail = a.passFail() && b.passFail();
        if (passFail) {
            int both = 0, aOnly = 0, bOnly = 0, neither = 0;
            List<String> flipped = new ArrayList<>();
            for (String task : paired) {
                boolean passA = a.taskValues().get(task) >= 50;
                boolean passB = b.taskValues().get(task) >= 50;
                if (passA && passB) both++;
                else if (passA) aOnly++;
                else if (passB) bOnly++;
                else neither++;
                if (passA != passB) flipped.add(task);
            }
            McNemar table = new McNemar(both, aOnly, bOnly, neither);
            Estimate d = Estimate.ofTaskMeans(differences, -100, 100, bootstrap, differences.length);
            return new PairComparison(a, b, paired, onlyInA, onlyInB, table, null, d.value(), d.ciLow(), d.ciHigh(), table.pValue(), flipped);
        }
        Estimate d = Estimate.ofTaskMeans(differences, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, bootstrap, differences.length);
        List<Double> list = new ArrayList<>();
        for (double x : differences) list.add(x);
        SignTest sign = SignTest.of(list);
        return new PairComparison(a, b, paired, onlyInA, onlyInB, null, sign, d.value(), d.bootstrapLow(), d.bootstrapHigh(), sign.pValue(), List.of());
    }

    /** The fields, in its order, then evalbox's own ({@code test}, {@code only_in_a}, {@code only_in_b}). */
    public ObjectNode json() {
        ObjectNode node = RunDirectory.object().put("a", a.path().toString()).put("b", b.path().toString())
                .put("benchmark", a.benchmark()).put("tasks", paired.size());
        if (table != null) {
            node.put("both", table.both()).put("a_only", table.aOnly()).put("b_only", table.bOnly()).put("neither", table.neither());
        }
        put(node, "difference", difference);
        put(node, "ci_low", ciLow);
        put(node, "ci_high", ciHigh);
        node.put("p_value", pValue);
        var flips = node.putArray("flipped");
        flipped.forEach(flips::add);
        node.put("test", table != null ? "mcnemar-exact" : "sign");
        var a = node.putArray("only_in_a");
        onlyInA.forEach(a::add);
        var b = node.putArray("only_in_b");
        onlyInB.forEach(b::add);
        return node;
    }

    private static void put(ObjectNode node, String field, double value) {
        if (Double.isNaN(value)) node.putNull(field); else node.put(field, value);
    }
}
