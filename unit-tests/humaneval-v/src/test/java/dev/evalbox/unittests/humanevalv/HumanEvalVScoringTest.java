package dev.evalbox.unittests.humanevalv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.unittests.humanevalv.HumanEvalVGrader.SampleVerdict;
import dev.evalbox.unittests.humanevalv.HumanEvalVGrader.Version;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's bookkeeping around the verdicts, without running anything: v2 merging a task listed in several
 * entries, and the parse-success rate counted on the result texts over the reference's denominator.
 */
class HumanEvalVScoringTest {
    private static Predictions.Entry entry(String qid, Optional<String> prompt, String... predictions) {
        return new Predictions.Entry(qid, List.of(predictions), prompt);
    }

    private static SampleVerdict verdict(String qid, int sample, boolean gate, String result) {
        return new SampleVerdict(qid, sample, "passed".equals(result), gate, result, "");
    }

    @Test
    void versionTwoMergesATasksEntriesInFileOrderKeepingDuplicates() {
        Optional<String> p = Optional.of("the V2C prompt");
        List<Predictions.Entry> file = List.of(
                entry("q2", p, "b0", "b1"),
                entry("q1", p, "a3", "a4", "a5"),
                entry("q2", p, "b2", "b3", "b4", "b5"),
                entry("q1", p, "a0", "a1", "a0"));
        List<Predictions.Entry> merged = Predictions.mergeByQid(file);
        assertEquals(List.of(entry("q2", p, "b0", "b1", "b2", "b3", "b4", "b5"), entry("q1", p, "a3", "a4", "a5", "a0", "a1", "a0")), merged,
                "tasks in the order their qid first appears; predictions in file order; a repeated prediction is another sample");
        assertEquals(merged, HumanEvalVGrader.items(file, Version.V2));
        assertEquals(file, HumanEvalVGrader.items(file, Version.V1), "v0.1 grades every entry as it is");

        List<Predictions.Entry> prompts = Predictions.mergeByQid(List.of(entry("q1", p, "x"), entry("q1", Optional.of("another"), "y")));
        assertEquals(Optional.empty(), prompts.get(0).prompt(), "the reference keeps one prompt per prediction: no single prompt is the task's");
    }

    @Test
    void theReferencesExampleFileSplitIntoBatchesMergesBackIntoIt(@TempDir Path dir) throws Exception {
        Path shared = SharedPredictions.directory();
        Predictions.Entry real = Predictions.read(shared.resolve("example_pred_sample_6.json")).get(0);
        ObjectMapper json = new ObjectMapper();
        ArrayNode batches = json.createArrayNode();
        int[][] parts = {{0, 1}, {1, 4}, {4, 6}};
        batches.addObject().put("qid", "q9").put("prompt", "another task").putArray("predictions").add("x").add("y").add("z");
        for (int[] part : parts) {
            var node = batches.addObject().put("qid", real.qid()).put("prompt", real.prompt().orElseThrow());
            real.predictions().subList(part[0], part[1]).forEach(node.putArray("predictions")::add);
        }
        Path split = dir.resolve("example_pred_sample_6_batches.json");
        json.writeValue(split.toFile(), batches);
        List<Predictions.Entry> merged = Predictions.mergeByQid(Predictions.read(split));
        assertEquals(List.of("q9", real.qid()), merged.stream().map(Predictions.Entry::qid).toList());
        assertEquals(real, merged.get(1), "the six real predictions, in order, with their prompt");
    }

    @Test
    void versionTwoRefusesATaskWithFewerPredictionsThanOneBeforeIt() {
        // The reference asserts that each merged task has as many predictions as the largest before it.
        Predictions.checkSampleCounts(Predictions.mergeByQid(List.of(entry("q1", Optional.empty(), "a"), entry("q2", Optional.empty(), "b", "c"))));
        // "a later task with more predictions passes the reference's check": no exception above
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Predictions.checkSampleCounts(Predictions.mergeByQid(List.of(
                entry("q1", Optional.empty(), "a0", "a1"), entry("q2", Optional.empty(), "b0"), entry("q1", Optional.empty(), "a2")))));
        assertTrue(e.getMessage().startsWith("task q2 has 1 prediction(s) in all its entries, fewer than the 3 of q1 before it"), e.getMessage());
    }

    @Test
    void versionTwoCountsEveryResultThatStartsWithPylintNotTheGate() {
        List<SampleVerdict> verdicts = List.of(
                verdict("q1", 0, true, "Pylint syntax check failed:\nUndefined variable 'np'"),
                verdict("q1", 1, false, "Pylint says no"), // a program that raised ValueError("Pylint says no")
                verdict("q1", 2, false, "pylint says no"), // the check is case-sensitive
                verdict("q1", 3, false, "Test Case Execution Time Out (> 2 seconds)"),
                verdict("q1", 4, false, "grading did not finish: timeout"),
                verdict("q1", 5, false, "passed"));
        List<Predictions.Entry> items = List.of(entry("q1", Optional.empty(), "", "", "", "", "", ""));
        assertTrue(HumanEvalVGrader.countsAsParseFailure(verdicts.get(1).result(), Version.V2));
        assertFalse(HumanEvalVGrader.countsAsParseFailure(verdicts.get(2).result(), Version.V2));
        assertEquals(66.7, HumanEvalVGrader.parseSuccessRate(verdicts, items, Version.V2), "2 of 6 counted: 1 - 2/6");
    }

    @Test
    void versionOneCountsItsGateTextOverTheLastEntrysSamplesTimesTheEntries() {
        // q1 listed twice: v0.1 grades both entries; its PSR divides by the last entry's sample count x the entries.
        List<Predictions.Entry> items = List.of(entry("q1", Optional.empty(), "", ""), entry("q2", Optional.empty(), "", "", ""),
                entry("q1", Optional.empty(), "", "", "", ""));
        List<SampleVerdict> verdicts = List.of(
                verdict("q1", 0, true, "pylint fail:\nUndefined variable 'np'"),
                verdict("q1", 1, false, "failed: pylint fail"),
                verdict("q2", 0, false, "Pylint syntax check failed:\nthe v2 text"),
                verdict("q2", 1, false, "timed out"),
                verdict("q2", 2, true, "pylint fail:\nE0001"),
                verdict("q1", 2, false, "passed"),
                verdict("q1", 3, false, "failed: "),
                verdict("q1", 4, false, "passed"),
                verdict("q1", 5, false, "passed"));
        assertEquals(83.3, HumanEvalVGrader.parseSuccessRate(verdicts, items, Version.V1), "2 counted of 4 x 3: 1 - 2/12");
        assertEquals(10, HumanEvalVGrader.referenceK(items, Version.V1), "k from the last entry's count (4), not the first's");
        List<SampleVerdict> allFail = List.of(verdict("q1", 0, true, "pylint fail:\nE"), verdict("q1", 1, true, "pylint fail:\nE"),
                verdict("q1", 2, true, "pylint fail:\nE"));
        assertEquals(-50.0, HumanEvalVGrader.parseSuccessRate(allFail, List.of(entry("q1", Optional.empty(), "a", "b"),
                entry("q1", Optional.empty(), "c")), Version.V1), "3 counted of 1 x 2: the reference's quotient is kept, even below 0");
        assertEquals(1, HumanEvalVGrader.referenceK(List.of(entry("q1", Optional.empty(), "a", "b"), entry("q2", Optional.empty(), "c")), Version.V1));
    }
}
