package dev.evalbox.unittests.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.Metrics;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.TaskContext;
import java.util.ArrayList;
import java.util.List;

/**
 * Observation replay: each attempt's recorded conversation and verdict, rebuilt with no model and no sandbox.
 * A row carries the recorded verdict (a pass or fail, or a score) and the conversation's turns, final
 * message and messages; a task the run did not grade has none. A run with epochs is replayed epoch by epoch
 * (the replay has as many epochs as the run), each row with its epoch, so that pass@k and pass^k come out as
 * the run's. An attempt the run did not record (a run stopped within an epoch) gives no row.
 */
final class ObservationReplayEvaluation implements Evaluation<ReplayTask, ArrayNode> {
    private final RecordedRun recorded;
    private final List<ReplayTask> tasks;

    ObservationReplayEvaluation(RecordedRun recorded, List<String> only) {
        this.recorded = recorded;
        this.tasks = ReplayTask.of(recorded, only);
    }

    @Override
    public List<ReplayTask> tasks() { return tasks; }

    @Override
    public int epochs() { return recorded.epochs(); }

    /** The attempt's recorded conversation; null when the run has no attempt of this task in this epoch. */
    @Override
    public ArrayNode attempt(ReplayTask task, TaskContext context) {
        ArrayNode messages = recorded.conversation(task.id(), context.epoch()).orElse(null);
        if (messages == null) return null;
        // the rebuilt conversation is this run's record too, so that a replay reports and replays as any run does
        List<ChatMessage> conversation = new ArrayList<>();
        messages.forEach(m -> conversation.add(new ChatMessage(m.path("role").asText(), m.path("content").asText(), List.of())));
        context.trajectory().writeRecorded(task.id(), recorded.benchmark().map(b -> b.name()).orElse("replay"), "replay:" + recorded.source(),
                conversation, "replayed", turns(messages), finalMessage(messages));
        return messages;
    }

    private static int turns(ArrayNode messages) {
        int turns = 0;
        for (JsonNode m : messages) if ("assistant".equals(m.path("role").asText())) turns++;
        return turns;
    }

    private static String finalMessage(ArrayNode messages) {
        return messages.isEmpty() ? "" : messages.get(messages.size() - 1).path("content").asText();
    }

    @Override
    public List<ResultRow> score(ReplayTask task, ArrayNode messages, TaskContext context) {
        if (messages == null) return List.of();
        ObjectNode fields = RunDirectory.object().put("turns", turns(messages)).put("final_answer", finalMessage(messages));
        fields.set("messages", messages);
        JsonNode verdict = recorded.verdict(task.id(), context.epoch()).orElse(null);
        if (verdict != null && verdict.path("score").isNumber() && !verdict.path("passed").isBoolean()) {
            return List.of(ResultRow.scored(task.id(), verdict.path("score").asDouble(), verdict.path("reason").asText(""), fields));
        }
        if (verdict != null && verdict.path("passed").isBoolean()) {
            return List.of(ResultRow.passFail(task.id(), verdict.path("passed").asBoolean(), verdict.path("reason").asText(""), fields));
        }
        return List.of(ResultRow.passFail(task.id(), null, "no recorded verdict (grade it with `evalbox grade`)", fields));
    }

    @Override
    public Metrics metrics(List<ReplayTask> selected, List<JsonNode> rows) {
        long graded = rows.stream().filter(r -> r.path("passed").isBoolean()).count();
        long passed = rows.stream().filter(r -> r.path("passed").asBoolean()).count();
        ObjectNode values = RunDirectory.object().put("tasks", rows.size()).put("graded", graded).put("passed", passed);
        List<String> summary = graded > 0 ? List.of("recorded verdicts: " + passed + " of " + graded + " passed")
                : List.of(rows.size() + " conversation(s) rebuilt; the run recorded no pass/fail verdicts");
        return new Metrics(values, "passed", summary);
    }

    @Override
    public void describe(RunRecord record) {
        record.config().put("mode", "observations").put("source", recorded.source())
                .put("source_benchmark", recorded.benchmark().map(b -> b.name()).orElse(null));
    }
}
