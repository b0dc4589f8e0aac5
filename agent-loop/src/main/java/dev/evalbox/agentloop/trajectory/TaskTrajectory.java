package dev.evalbox.agentloop.trajectory;

import dev.evalbox.agentloop.model.ChatMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The events of one task, and what can be rebuilt from them without a model or a sandbox. */
public record TaskTrajectory(String taskId, List<TrajectoryEvent> events) {
    public TaskTrajectory {
        events = List.copyOf(events);
    }

    /**
     * The conversation as the model saw it: the opening messages, then each reply and observation.
     * Only the events of the last attempt at the task count (a resumed run may have begun it twice).
     */
    public List<ChatMessage> messages() {
        List<ChatMessage> messages = new ArrayList<>();
        for (TrajectoryEvent event : lastAttempt()) {
            if (event instanceof TrajectoryEvent.TaskStarted s) messages.addAll(s.opening());
            else if (event instanceof TrajectoryEvent.ModelResponse r) messages.add(ChatMessage.assistant(r.content()));
            else if (event instanceof TrajectoryEvent.Observation o) messages.add(new ChatMessage(o.role(), o.content(), List.of()));
        }
        return messages;
    }

    /** The assistant replies in order: what the replay model answers. */
    public List<String> replies() {
        return lastAttempt().stream().filter(TrajectoryEvent.ModelResponse.class::isInstance)
                .map(e -> ((TrajectoryEvent.ModelResponse) e).content()).toList();
    }

    public List<TrajectoryEvent.CodeExecution> executions() {
        return lastAttempt().stream().filter(TrajectoryEvent.CodeExecution.class::isInstance)
                .map(TrajectoryEvent.CodeExecution.class::cast).toList();
    }

    public Optional<TrajectoryEvent.TaskFinished> finished() {
        return lastAttempt().stream().filter(TrajectoryEvent.TaskFinished.class::isInstance)
                .map(TrajectoryEvent.TaskFinished.class::cast).reduce((a, b) -> b);
    }

    private List<TrajectoryEvent> lastAttempt() {
        int start = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i) instanceof TrajectoryEvent.TaskStarted) start = i;
        }
        return events.subList(start, events.size());
    }
}
