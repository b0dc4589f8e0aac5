package dev.evalbox.unittests.pybench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * PyBench's metrics: the pass rate over all tasks of the benchmark (a task without a verdict counts as
 * failed, as in the original's 143 denominator), the pass rate per category and the average turns.
 */
public record PyBenchSummary(int tasks, int passed, Map<String, CategoryScore> byCategory, double averageTurns) {

    public record CategoryScore(int tasks, int passed) {
        public double passRate() { return tasks == 0 ? 0 : 100.0 * passed / tasks; }
    }

    public double passRate() { return tasks == 0 ? 0 : 100.0 * passed / tasks; }

    public static PyBenchSummary of(List<PyBenchTask> tasks, List<GradeResult> results, PyBenchCategories categories) {
        Map<String, GradeResult> byTask = new java.util.HashMap<>();
        results.forEach(r -> byTask.put(r.taskId(), r));
        Map<String, int[]> counts = new TreeMap<>();
        int passed = 0;
        int turns = 0;
        int withTurns = 0;
        for (PyBenchTask task : tasks) {
            GradeResult result = byTask.get(task.index());
            boolean pass = result != null && result.passed();
            int[] count = counts.computeIfAbsent(categories.of(task), c -> new int[2]);
            count[0]++;
            if (pass) {
                count[1]++;
                passed++;
            }
            if (result != null && result.turns() > 0) {
                turns += result.turns();
                withTurns++;
            }
        }
        Map<String, CategoryScore> byCategory = new TreeMap<>();
        counts.forEach((c, n) -> byCategory.put(c, new CategoryScore(n[0], n[1])));
        return new PyBenchSummary(tasks.size(), passed, byCategory, withTurns == 0 ? 0 : (double) turns / withTurns);
    }
}
