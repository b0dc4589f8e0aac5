package dev.evalbox.kernel.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.trajectory.TaskTrajectory;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.Output;
import dev.evalbox.unittests.view.TaskTranscript;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A recorded task as a conversation in the notebook (one turn when {@code turn} is given), rendered by the
 * same {@link TaskTranscript} as `evalbox view`'s task page: messages, the code the model ran, highlighted,
 * its outputs with images inline. {@code folder} is where the trajectory file is, for the images it names.
 */
public record TrajectoryView(Path folder, TaskTrajectory trajectory, Integer turn) {

    public MimeBundle bundle() {
        List<JsonNode> events = new ArrayList<>();
        StringBuilder text = new StringBuilder("task " + trajectory.taskId() + (turn == null ? "" : ", turn " + turn) + "\n");
        for (TrajectoryEvent event : trajectory.events()) {
            Integer eventTurn = turnOf(event);
            // one turn: its own events only; the whole task: everything
            if (turn != null && (eventTurn == null || !eventTurn.equals(turn))) continue;
            events.add(event.toJson());
            text(text, event);
        }
        String html = new TaskTranscript(trajectory.taskId(), List.of(), events, List.of(), TaskView.inliner(folder), null).transcriptHtml();
        return MimeBundle.html(TaskView.STYLE + "<div class=\"evalbox-trajectory\">" + html + "</div>").with("text/plain", text.toString());
    }

    /** The turn an event belongs to; null for the task's opening and end. */
    private static Integer turnOf(TrajectoryEvent event) {
        if (event instanceof TrajectoryEvent.ModelResponse e) return e.turn();
        if (event instanceof TrajectoryEvent.CodeExecution e) return e.turn();
        if (event instanceof TrajectoryEvent.Observation e) return e.turn();
        if (event instanceof TrajectoryEvent.Error e) return e.turn();
        return null;
    }

    /** The plain-text view (a terminal, a notebook saved without HTML). */
    private static void text(StringBuilder text, TrajectoryEvent event) {
        if (event instanceof TrajectoryEvent.TaskStarted started) {
            for (ChatMessage message : started.opening()) text.append("--- ").append(message.role()).append('\n').append(message.content()).append('\n');
        } else if (event instanceof TrajectoryEvent.ModelResponse response) {
            text.append("--- assistant (turn ").append(response.turn()).append(")\n").append(response.content()).append('\n');
        } else if (event instanceof TrajectoryEvent.CodeExecution execution) {
            text.append("--- code, turn ").append(execution.turn()).append(" (").append(execution.status()).append(")\n")
                    .append(execution.code()).append('\n');
            outputsText(text, execution.outputs());
        } else if (event instanceof TrajectoryEvent.Observation observation) {
            text.append("--- ").append(observation.role()).append(" (observation)\n").append(observation.content()).append('\n');
        } else if (event instanceof TrajectoryEvent.Error error) {
            text.append("--- error: ").append(error.kind()).append('\n').append(error.message()).append('\n');
        } else if (event instanceof TrajectoryEvent.TaskFinished finished) {
            text.append("finished: ").append(finished.stopReason()).append(" after ").append(finished.turns()).append(" turns\n");
        }
    }

    /** Outputs of Python code as text: streams as they are, errors as their one line, images as a placeholder. */
    static void outputsText(StringBuilder text, List<Output> outputs) {
        for (Output output : outputs) {
            if (output instanceof Output.Stream stream) {
                text.append(stream.text());
            } else if (output instanceof Output.Error error) {
                text.append(error.ename()).append(": ").append(error.evalue()).append('\n');
            } else if (output instanceof Output.MimeBundle bundle) {
                text.append(bundle.png().isPresent() ? "<image>" : bundle.plainText().orElse("")).append('\n');
            }
        }
    }
}
