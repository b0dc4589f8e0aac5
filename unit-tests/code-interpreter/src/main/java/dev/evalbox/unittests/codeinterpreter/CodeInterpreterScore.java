package dev.evalbox.unittests.codeinterpreter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.ResultRow;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Scores one item's trace with the benchmark's metrics: executable rate (every item), GSM8K accuracy
 * (items with a gold answer), visualization accuracy (visualization items, when a judge is given).
 * {@code passed} in results.jsonl is the item's headline metric: the judge's verdict for
 * visualization, correctness for GSM8K, executability otherwise. Each judge call is recorded in the
 * run's trajectories.jsonl.
 */
public final class CodeInterpreterScore {
    private final ExecutableRate executableRate;
    private final VisualizationJudge judge;
    private final Path runDir;
    private final TrajectoryWriter trajectory;

    /** {@code runDir} is where the trace's images are ({@code artifacts/<task>/fig-NNN.png}); judge calls go to {@code trajectory}. */
    public CodeInterpreterScore(ExecutableRate executableRate, VisualizationJudge judge, Path runDir, TrajectoryWriter trajectory) {
        this.executableRate = executableRate;
        this.judge = judge;
        this.runDir = runDir;
        this.trajectory = trajectory;
    }

    /** The results.jsonl row of an item, with its evidence. {@code gold} is the GSM8K answer field, when there is one. */
    public ResultRow score(String taskId, CodeInterpreterRecord record, String trace, String gold) {
        ObjectNode fields = RunDirectory.object();
        fields.put("kind", record.kind().name().toLowerCase(Locale.ROOT)).put("lang", record.lang()).put("line", record.line());
        ExecutableRate.Verdict exec = executableRate.check(record, trace);
        fields.put("executable", exec.executable()).put("missing_code", exec.missingCode()).put("exec_error", exec.errorInfo())
                .put("exec_limit_s", exec.limit().toSeconds());
        String reason;
        boolean passed;
        if (gold != null) {
            passed = Gsm8kAnswers.isCorrect(trace, gold);
            String answer = Gsm8kAnswers.extract(trace).map(BigDecimal::toPlainString).orElse(Gsm8kAnswers.INVALID);
            String goldAnswer = Gsm8kAnswers.extract(gold).orElseThrow().toPlainString();
            fields.put("answer", answer).put("gold", goldAnswer);
            reason = passed ? "" : "answer " + answer + " is not the gold " + goldAnswer;
        } else if (record.kind() == CodeInterpreterRecord.Kind.VISUALIZATION_EASY || record.kind() == CodeInterpreterRecord.Kind.VISUALIZATION_HARD) {
            if (judge == null) return ResultRow.passFail(taskId, null, "not judged (no --judge given)", fields);
            VisualizationJudge.Verdict verdict = judge.score(record, trace, this::readImage);
            if (verdict.gatePassed()) recordJudgeCall(taskId, verdict);
            passed = verdict.correct();
            fields.put("image_gate", verdict.gatePassed()).put("judge_reply", verdict.judgeReply())
                    .put("judge_rule", judge.rule().name().toLowerCase(Locale.ROOT));
            var images = fields.putArray("images");
            verdict.images().forEach(images::add);
            reason = passed ? "" : !verdict.note().isEmpty() ? verdict.note() : "the judge said: " + verdict.judgeReply();
        } else {
            passed = exec.executable();
            reason = passed ? "" : exec.errorInfo();
        }
        return ResultRow.passFail(taskId, passed, reason, fields);
    }

    private void recordJudgeCall(String taskId, VisualizationJudge.Verdict verdict) {
        var completion = verdict.completion();
        trajectory.write(new TrajectoryEvent.JudgeCall(taskId, Instant.now(), judge.model(), verdict.prompt(), verdict.images(),
                verdict.judgeReply(), completion == null ? Usage.NONE : completion.usage(),
                completion == null ? 0 : completion.latency().toMillis(), completion == null ? 0 : completion.attempts(),
                completion == null ? verdict.note() : null, completion != null && completion.cached()));
    }

    private Optional<byte[]> readImage(String path) {
        Path file = runDir.resolve(path).normalize();
        if (!file.startsWith(runDir.normalize()) || !Files.isRegularFile(file)) return Optional.empty();
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
