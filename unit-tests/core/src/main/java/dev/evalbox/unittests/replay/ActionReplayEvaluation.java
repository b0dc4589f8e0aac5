package dev.evalbox.unittests.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.ActionReplay;
import dev.evalbox.unittests.eval.Benchmark;
import dev.evalbox.unittests.eval.Evaluation;
import dev.evalbox.unittests.eval.Metrics;
import dev.evalbox.unittests.eval.ResultRow;
import dev.evalbox.unittests.eval.RunRecord;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.TaskContext;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Action replay: each task's recorded code run again, turn by turn, in a fresh sandbox that holds the
 * task's inputs as the run had them ({@link Benchmark#prepareSandbox}), each new observation compared
 * with the recorded one. A task passes when every observation is reproduced. A run with epochs is replayed
 * attempt by attempt, each (task, epoch) with its own recorded code, its row carrying its epoch.
 */
final class ActionReplayEvaluation implements Evaluation<ReplayTask, ActionReplayer.TaskReplay> {
    private final RecordedRun recorded;
    private final List<ReplayTask> tasks;
    private final SandboxOptions sandbox;
    private final Benchmark benchmark;
    private final ActionReplay how;
    private final ObjectNode run;

    ActionReplayEvaluation(RecordedRun recorded, List<String> only, Path dataset, SandboxOptions sandbox) {
        this.recorded = recorded;
        this.tasks = ReplayTask.of(recorded, only);
        this.sandbox = sandbox;
        this.benchmark = recorded.benchmark().orElseThrow(() -> new UserException("--actions: cannot tell which benchmark "
                + recorded.source() + " is a run of (its run.json or trajectory names none that is installed)"));
        Optional<ActionReplay> replay = benchmark.actionReplay();
        if (replay.isEmpty()) throw new UserException("--actions: " + benchmark.title() + " runs no code to replay (observation replay works: drop --actions)");
        this.how = replay.get();
        this.run = recorded.run().deepCopy();
        if (dataset != null) {
            ObjectNode record = run.path("dataset").isObject() ? (ObjectNode) run.get("dataset") : run.putObject("dataset");
            record.put("path", dataset.toAbsolutePath().toString());
        }
    }

    @Override
    public List<ReplayTask> tasks() { return tasks; }

    @Override
    public Optional<SandboxUse> sandboxes() { return Optional.of(new SandboxUse(sandbox, 1)); }

    @Override
    public int epochs() { return recorded.epochs(); }

    /** The attempt's code run again; null when the run has no attempt of this task in this epoch (no sandbox is started). */
    @Override
    public ActionReplayer.TaskReplay attempt(ReplayTask task, TaskContext context) {
        ArrayNode messages = recorded.conversation(task.id(), context.epoch()).orElse(null);
        if (messages == null) return null;
        try (Sandbox box = context.sandbox()) {
            List<String> notes = benchmark.prepareSandbox(run, task.id(), box);
            List<ActionReplay.Action> actions = how.actions(task.id(), messages, recorded.events(task.id(), context.epoch()));
            return ActionReplayer.replay(task.id(), actions, how.observer(task.id(), context.epoch()), box, sandbox.timeout(), notes);
        }
    }

    @Override
    public List<ResultRow> score(ReplayTask task, ActionReplayer.TaskReplay replay, TaskContext context) {
        if (replay == null) return List.of();
        boolean same = replay.firstDivergence().isEmpty();
        String reason = replay.firstDivergence().map(t -> "turn " + t.turn() + " diverges: " + t.firstDifference())
                .orElse("all " + replay.turns().size() + " observations reproduced");
        ObjectNode fields = RunDirectory.object();
        ArrayNode turns = fields.putArray("turns");
        for (ActionReplayer.Turn t : replay.turns()) {
            turns.addObject().put("turn", t.turn()).put("same", t.same()).put("difference", t.firstDifference())
                    .put("recorded", t.recorded()).put("replayed", t.replayed());
        }
        ArrayNode notes = fields.putArray("notes");
        replay.notes().forEach(notes::add);
        return List.of(ResultRow.passFail(task.id(), same, reason, fields));
    }

    @Override
    public Metrics metrics(List<ReplayTask> selected, List<JsonNode> rows) {
        long reproduced = rows.stream().filter(r -> r.path("passed").asBoolean()).count();
        ObjectNode values = RunDirectory.object().put("tasks", rows.size()).put("reproduced", reproduced);
        boolean epochs = rows.stream().anyMatch(r -> r.path("epoch").asInt(1) > 1);
        return new Metrics(values, "reproduced", List.of(reproduced + " of " + rows.size() + (epochs ? " attempts" : " tasks")
                + " reproduced every observation"));
    }

    @Override
    public void describe(RunRecord record) {
        record.config().put("mode", "actions").put("source", recorded.source()).put("source_benchmark", benchmark.name())
                .put("dataset", run.path("dataset").path("path").asText(null));
    }
}
