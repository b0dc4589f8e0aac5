package dev.evalbox.unittests.replay;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Observation replay: each task's recorded conversation and verdict, rebuilt with no model and no sandbox.
 * A row carries the recorded verdict (a pass or fail, or a score) and the conversation's turns, final
 * message and messages; a task the run did not grade has none.
 */
final class ObservationReplayEvaluation implements Evaluation<ReplayTask, ReplayTask> {
    private final RecordedRun recorded;
    private final List<ReplayTask> tasks;

    ObservationReplayEvaluation(RecordedRun recorded, List<String> only) {
        this.recorded = recorded;
        this.tasks = ReplayTask.of(recorded, only);
    }

    @Override
    public List<ReplayTask> tasks() { return tasks; }

    @Override
    public ReplayTask attempt(ReplayTask task, TaskContext context) {
        // the rebuilt conversation is this run's record too, so that a replay reports and replays as any run does
        List<ChatMessage> conversation = new ArrayList<>();
        task.messages().forEach(m -> conversation.add(new ChatMessage(m.path("role").asText(), m.path("content").asText(), List.of())));
        context.trajectory().writeRecorded(task.id(), recorded.benchmark().map(b -> b.name()).orElse("replay"), "replay:" + recorded.source(),
                conversation, "replayed", turns(task), finalMessage(task));
        return task;
    }

    private static int turns(ReplayTask task) {
        int turns = 0;
        for (JsonNode m : task.messages()) if ("assistant".equals(m.path("role").asText())) turns++;
        return turns;
    }

    private static String finalMessage(ReplayTask task) {
        return task.messages().isEmpty() ? "" : task.messages().get(task.messages().size() - 1).path("content").asText();
    }

    @Override
    public List<ResultRow> score(ReplayTask task, ReplayTask attempt, TaskContext context) {
        ObjectNode fields = RunDirectory.object().put("turns", turns(task)).put("final_answer", finalMessage(task));
        fields.set("messages", task.messages());
        JsonNode verdict = recorded.verdicts().get(task.id());
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
