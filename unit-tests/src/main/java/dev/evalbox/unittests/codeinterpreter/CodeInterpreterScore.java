package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Scores one item's trace with the benchmark's metrics: executable rate (every item), GSM8K accuracy
 * (items with a gold answer), visualization accuracy (visualization items, when a judge is given).
 * {@code passed} in results.jsonl is the item's headline metric: the judge's verdict for
 * visualization, correctness for GSM8K, executability otherwise.
 */
public final class CodeInterpreterScore {
    private final ExecutableRate executableRate;
    private final VisualizationJudge judge;
    private final Path runDir;

    public CodeInterpreterScore(ExecutableRate executableRate, VisualizationJudge judge, Path runDir) {
        this.executableRate = executableRate;
        this.judge = judge;
        this.runDir = runDir;
    }

    /** The results.jsonl line of an item, with its evidence. {@code gold} is the GSM8K answer field, when there is one. */
    public ObjectNode score(String taskId, CodeInterpreterRecord record, String trace, String gold) {
        ObjectNode line = RunDirectory.object();
        line.put("task_id", taskId).put("kind", record.kind().name().toLowerCase(Locale.ROOT))
                .put("lang", record.lang()).put("line", record.line());
        ExecutableRate.Verdict exec = executableRate.check(record, trace);
        line.put("executable", exec.executable()).put("missing_code", exec.missingCode()).put("exec_error", exec.errorInfo())
                .put("exec_limit_s", exec.limit().toSeconds());
        String reason;
        boolean passed;
        if (gold != null) {
            passed = Gsm8kAnswers.isCorrect(trace, gold);
            String answer = Gsm8kAnswers.extract(trace).map(java.math.BigDecimal::toPlainString).orElse(Gsm8kAnswers.INVALID);
            line.put("answer", answer).put("gold", Gsm8kAnswers.extract(gold).orElseThrow().toPlainString());
            reason = passed ? "" : "answer " + answer + " is not the gold " + line.get("gold").asText();
        } else if (record.kind() == CodeInterpreterRecord.Kind.VISUALIZATION_EASY || record.kind() == CodeInterpreterRecord.Kind.VISUALIZATION_HARD) {
            if (judge == null) {
                line.putNull("passed").put("reason", "not judged (no --judge given)");
                return line;
            }
            VisualizationJudge.Verdict verdict = judge.score(record, trace, this::readImage);
            passed = verdict.correct();
            line.put("image_gate", verdict.gatePassed()).put("judge_reply", verdict.judgeReply()).put("judge_rule", judge.rule().name().toLowerCase(Locale.ROOT));
            var images = line.putArray("images");
            verdict.images().forEach(images::add);
            reason = passed ? "" : !verdict.note().isEmpty() ? verdict.note() : "the judge said: " + verdict.judgeReply();
        } else {
            passed = exec.executable();
            reason = passed ? "" : exec.errorInfo();
        }
        line.put("passed", passed).put("reason", reason);
        return line;
    }

    private Optional<byte[]> readImage(String path) {
        Path file = runDir.resolve(path).normalize();
        if (!file.startsWith(runDir.normalize()) || !Files.isRegularFile(file)) return Optional.empty();
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (java.io.IOException e) {
            return Optional.empty();
        }
    }
}
