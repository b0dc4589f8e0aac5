package dev.evalbox.unittests.artifactsbench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.unittests.RunDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * ArtifactsBench generation as the reference does it: one user turn holding the task's question, no
 * system prompt, and the model's reply is the answer (a one-turn agent loop asks it). Answers go to a JSON Lines file
 * ({@code index}, {@code question}, {@code answer}) one line per task as it finishes, which
 * {@link ArtifactsData#readAnswers} reads back for grading and resuming.
 */
public final class ArtifactsGeneration {
    private ArtifactsGeneration() { }

    /** The one message the model is sent: the task's question as a user turn. */
    public static List<ChatMessage> opening(ArtifactsTask task) {
        return List.of(ChatMessage.user(task.question()));
    }

    /** Appends one answer line and flushes it, so a crash loses only the tasks in flight. */
    public static synchronized void append(Path answers, ArtifactsTask task, String answer) {
        ObjectNode node = RunDirectory.object();
        // the dataset's indices are numbers; they stay numbers in the answers file
        if (task.index().matches("\\d{1,18}")) node.put("index", Long.parseLong(task.index())); else node.put("index", task.index());
        String line = node.put("question", task.question()).put("answer", answer) + "\n";
        try {
            Files.writeString(answers, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + answers, e);
        }
    }
}
