package dev.evalbox.kernel.notebook;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.trajectory.TaskTrajectory;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.Output;

import java.util.Base64;
import java.util.Optional;

import static dev.evalbox.unittests.report.Html.escape;

/** A recorded task as a conversation in the notebook: messages, the code the model ran, its outputs with images inline. */
public record TrajectoryView(TaskTrajectory trajectory, Integer turn) {

    public MimeBundle bundle() {
        StringBuilder html = new StringBuilder("<div class=\"evalbox-trajectory\">");
        StringBuilder text = new StringBuilder();
        html.append("<h4>task ").append(escape(trajectory.taskId()))
                .append(turn == null ? "" : ", turn " + turn).append("</h4>");
        text.append("task ").append(trajectory.taskId()).append(turn == null ? "" : ", turn " + turn).append('\n');
        for (TrajectoryEvent event : trajectory.events()) {
            if (event instanceof TrajectoryEvent.TaskStarted started && turn == null) {
                for (ChatMessage message : started.opening()) {
                    message(html, text, message.role(), message.content());
                }
            } else if (event instanceof TrajectoryEvent.ModelResponse response && shows(response.turn())) {
                message(html, text, "assistant (turn " + response.turn() + ")", response.content());
            } else if (event instanceof TrajectoryEvent.CodeExecution execution && shows(execution.turn())) {
                execution(html, text, execution);
            } else if (event instanceof TrajectoryEvent.Observation observation && shows(observation.turn())) {
                message(html, text, observation.role() + " (observation)", observation.content());
            } else if (event instanceof TrajectoryEvent.Error error && shows(error.turn())) {
                message(html, text, "error: " + error.kind(), error.message());
            } else if (event instanceof TrajectoryEvent.TaskFinished finished && turn == null) {
                html.append("<p><b>finished</b>: ").append(escape(finished.stopReason())).append(" after ")
                        .append(finished.turns()).append(" turns</p>");
                text.append("finished: ").append(finished.stopReason()).append(" after ").append(finished.turns()).append(" turns\n");
            }
        }
        html.append("</div>");
        return MimeBundle.html(html.toString()).with("text/plain", text.toString());
    }

    private boolean shows(int eventTurn) {
        return turn == null || turn == eventTurn;
    }

    private static void message(StringBuilder html, StringBuilder text, String who, String content) {
        html.append("<div><b>").append(escape(who)).append("</b><pre style=\"white-space:pre-wrap\">")
                .append(escape(content)).append("</pre></div>");
        text.append("--- ").append(who).append('\n').append(content).append('\n');
    }

    private static void execution(StringBuilder html, StringBuilder text, TrajectoryEvent.CodeExecution execution) {
        html.append("<div><b>code, turn ").append(execution.turn()).append("</b> (").append(escape(execution.status()))
                .append(", ").append(execution.durationMs()).append(" ms)<pre style=\"background:#f4f4f4\">")
                .append(escape(execution.code())).append("</pre>");
        text.append("--- code, turn ").append(execution.turn()).append(" (").append(execution.status()).append(")\n")
                .append(execution.code()).append('\n');
        appendOutputs(html, text, execution.outputs());
        html.append("</div>");
    }

    /** Outputs of Python code as HTML (images inline) and as text. */
    static void appendOutputs(StringBuilder html, StringBuilder text, java.util.List<Output> outputs) {
        for (Output output : outputs) {
            if (output instanceof Output.Stream stream) {
                html.append("<pre").append(stream.isStderr() ? " style=\"color:#a00\"" : "").append('>')
                        .append(escape(stream.text())).append("</pre>");
                text.append(stream.text());
            } else if (output instanceof Output.Error error) {
                html.append("<pre style=\"color:#a00\">").append(escape(error.ename() + ": " + error.evalue())).append("</pre>");
                text.append(error.ename()).append(": ").append(error.evalue()).append('\n');
            } else if (output instanceof Output.MimeBundle bundle) {
                Optional<byte[]> png = bundle.png();
                if (png.isPresent()) {
                    html.append("<img src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png.get()))
                            .append("\"/>");
                    text.append("<image>\n");
                } else {
                    String plain = bundle.plainText().orElse("");
                    html.append("<pre>").append(escape(plain)).append("</pre>");
                    text.append(plain).append('\n');
                }
            }
        }
    }
}
