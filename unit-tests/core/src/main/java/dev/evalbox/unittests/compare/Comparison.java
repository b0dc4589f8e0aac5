package dev.evalbox.unittests.compare;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.eval.stats.Bootstrap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code evalbox compare} computes for its runs: every pair of runs of the same benchmark
 * ({@link PairComparison}), a leaderboard per benchmark sorted by the headline metric, and, when the runs
 * cover several benchmarks, the table models x benchmarks of each headline metric and its interval.
 * The terminal table, {@code --json}, compare.html and the notebook view are all made from this.
 */
public record Comparison(List<ComparedRun> runs, List<PairComparison> pairs, Map<String, List<ComparedRun>> leaderboards,
                         Bootstrap bootstrap) {

    public static Comparison of(List<Path> paths) {
        if (paths.size() < 2) throw new UserException("compare needs at least two run directories, got " + paths.size());
        List<ComparedRun> runs = new ArrayList<>();
        for (Path path : paths) runs.add(ComparedRun.load(path));
        return of(runs, Bootstrap.standard());
    }

    public static Comparison of(List<ComparedRun> loaded, Bootstrap bootstrap) {
        // two runs of one model (and benchmark) are told apart by their directories
        Map<String, Integer> seen = new HashMap<>();
        loaded.forEach(r -> seen.merge(r.benchmark() + "\u0000" + r.label(), 1, Integer::sum));
        List<ComparedRun> runs = loaded.stream()
                .map(r -> seen.get(r.benchmark() + "\u0000" + r.label()) > 1 ? r.labelled(r.label() + " (" + r.path().getFileName() + ")") : r)
                .toList();
        Map<String, List<ComparedRun>> byBenchmark = new LinkedHashMap<>();
        runs.forEach(r -> byBenchmark.computeIfAbsent(r.benchmark(), b -> new ArrayList<>()).add(r));
        List<PairComparison> pairs = new ArrayList<>();
        Map<String, List<ComparedRun>> leaderboards = new LinkedHashMap<>();
        byBenchmark.forEach((benchmark, group) -> {
            for (int i = 0; i < group.size(); i++) {
                for (int j = i + 1; j < group.size(); j++) pairs.add(PairComparison.of(group.get(i), group.get(j), bootstrap));
            }
            List<ComparedRun> sorted = new ArrayList<>(group);
            sorted.sort(Comparator.comparingDouble((ComparedRun r) -> Double.isNaN(r.estimate().value()) ? Double.NEGATIVE_INFINITY : r.estimate().value())
                    .reversed());
            leaderboards.put(benchmark, sorted);
        });
        return new Comparison(runs, pairs, leaderboards, bootstrap);
    }

    /** The models (rows of the models x benchmarks table), in the order their runs were given. */
    public List<String> models() {
        List<String> models = new ArrayList<>();
        runs.forEach(r -> {
            String model = modelOf(r);
            if (!models.contains(model)) models.add(model);
        });
        return models;
    }

    /** The run of {@code model} on {@code benchmark} (the first given), or null. */
    public ComparedRun cell(String model, String benchmark) {
        return runs.stream().filter(r -> r.benchmark().equals(benchmark) && modelOf(r).equals(model)).findFirst().orElse(null);
    }

    public static String modelOf(ComparedRun run) {
        return run.model() != null ? run.model() : run.path().getFileName().toString();
    }

    /** {@code --json}: {@code pairs} with the fields, {@code leaderboards} and {@code table}. */
    public ObjectNode json() {
        ObjectNode node = RunDirectory.object();
        ArrayNode pairList = node.putArray("pairs");
        pairs.forEach(p -> pairList.add(p.json()));
        ObjectNode boards = node.putObject("leaderboards");
        leaderboards.forEach((benchmark, list) -> {
            ArrayNode board = boards.putArray(benchmark);
            list.forEach(r -> board.add(runJson(r)));
        });
        ObjectNode table = node.putObject("table");
        for (String model : models()) {
            ObjectNode row = table.putObject(model);
            leaderboards.keySet().forEach(benchmark -> {
                ComparedRun run = cell(model, benchmark);
                if (run != null) row.set(benchmark, runJson(run));
            });
        }
        node.putObject("bootstrap").put("resamples", bootstrap.resamples()).put("seed", bootstrap.seed());
        return node;
    }

    private static ObjectNode runJson(ComparedRun run) {
        ObjectNode node = RunDirectory.object().put("run", run.path().toString()).put("label", run.label()).put("model", run.model())
                .put("metric", run.headline());
        node.setAll(run.estimate().json());
        return node;
    }

    /** The terminal table. */
    public String text() {
        StringBuilder out = new StringBuilder();
        leaderboards.forEach((benchmark, list) -> {
            out.append(benchmark).append(" leaderboard (").append(list.get(0).headline()).append(", 95% interval):\n");
            int rank = 1;
            for (ComparedRun run : list) {
                out.append(String.format(Locale.ROOT, "  %2d. %-40s %s  (%d tasks)%n", rank++, run.label(), run.estimate().brief(),
                        run.estimate().tasks()));
            }
        });
        for (PairComparison pair : pairs) {
            out.append('\n').append(pair.a().label()).append("  vs  ").append(pair.b().label()).append("   (").append(pair.a().benchmark())
                    .append(", ").append(pair.paired().size()).append(" paired tasks)\n");
            if (!pair.onlyInA().isEmpty()) out.append("  only in A, left out: ").append(abbreviate(pair.onlyInA())).append('\n');
            if (!pair.onlyInB().isEmpty()) out.append("  only in B, left out: ").append(abbreviate(pair.onlyInB())).append('\n');
            if (pair.table() != null) {
                var t = pair.table();
                out.append(String.format(Locale.ROOT, "               B passes  B fails%n  A passes   %8d %8d%n  A fails    %8d %8d%n",
                        t.both(), t.aOnly(), t.bOnly(), t.neither()));
                out.append(String.format(Locale.ROOT, "  pass rate A - B: %+.1f points, 95%% interval [%+.1f, %+.1f]; McNemar exact p = %s%n",
                        pair.difference(), pair.ciLow(), pair.ciHigh(), p(pair.pValue())));
                if (!pair.flipped().isEmpty()) out.append("  flipped: ").append(abbreviate(pair.flipped())).append('\n');
            } else {
                out.append(String.format(Locale.ROOT, "  mean score A - B: %+.2f, paired bootstrap 95%% interval [%+.2f, %+.2f]; sign test p = %s (%d+, %d-, %d ties)%n",
                        pair.difference(), pair.ciLow(), pair.ciHigh(), p(pair.pValue()), pair.sign().positive(), pair.sign().negative(),
                        pair.sign().ties()));
            }
        }
        if (leaderboards.size() > 1) {
            out.append("\nmodels x benchmarks (headline metric, 95% interval):\n");
            out.append(String.format("  %-32s", "model"));
            leaderboards.keySet().forEach(b -> out.append(String.format(" %-28s", b)));
            out.append('\n');
            for (String model : models()) {
                out.append(String.format("  %-32s", model));
                leaderboards.keySet().forEach(b -> {
                    ComparedRun run = cell(model, b);
                    out.append(String.format(" %-28s", run == null ? "-" : run.estimate().brief()));
                });
                out.append('\n');
            }
        }
        return out.toString();
    }

    /** A p-value as tables show it: four decimals, or scientific notation below 0.001. */
    public static String p(double p) {
        return p >= 0.001 ? String.format(Locale.ROOT, "%.4f", p) : String.format(Locale.ROOT, "%.2e", p);
    }

    private static String abbreviate(List<String> tasks) {
        return tasks.size() <= 20 ? String.join(", ", tasks) : String.join(", ", tasks.subList(0, 20)) + ", ... (" + tasks.size() + ")";
    }
}
