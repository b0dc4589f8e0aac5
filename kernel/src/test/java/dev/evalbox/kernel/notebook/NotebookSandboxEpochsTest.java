package dev.evalbox.kernel.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.ExecutionResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code %sandbox open --task ID --run RUN --epoch N} on a run made with --epochs: each epoch ran in its own
 * fresh sandbox with its own code, so the sandbox rebuilt for epoch N holds the files epoch N's code wrote
 * (and not epoch 1's); without --epoch it is epoch 1's, as before epochs. On the local backend, for real.
 */
class NotebookSandboxEpochsTest {

    /** The events of one attempt of t1, as the run wrote them: a later epoch's carry "epoch". */
    private static List<String> attempt(int epoch, String... cells) {
        Instant now = Instant.parse("2026-12-03T09:00:00Z");
        List<TrajectoryEvent> events = new ArrayList<>();
        events.add(new TrajectoryEvent.TaskStarted("t1", now, "none", "m", List.of()));
        for (int turn = 1; turn <= cells.length; turn++) {
            events.add(new TrajectoryEvent.CodeExecution("t1", now, turn, cells[turn - 1], "ok", List.of(), 1, false, ""));
        }
        events.add(new TrajectoryEvent.TaskFinished("t1", now, "no_code", cells.length, "done", new dev.evalbox.agentloop.model.Usage(1, 1)));
        List<String> lines = new ArrayList<>();
        for (TrajectoryEvent event : events) {
            var node = event.toJson();
            if (epoch > 1) node.put("epoch", epoch);
            lines.add(node.toString());
        }
        return lines;
    }

    private static String read(NotebookSandbox sandbox, String file) {
        ExecutionResult result = sandbox.current().execute("import os\nprint(open('" + file + "').read() if os.path.exists('" + file + "') else 'absent')");
        return result.stdout().strip();
    }

    @Test
    void eachEpochsSandboxIsRebuiltFromItsOwnCode(@TempDir Path run) throws Exception {
        List<String> lines = new ArrayList<>();
        lines.addAll(attempt(1, "open('answer.txt', 'w').write('epoch one')", "open('first.txt', 'w').write('only epoch 1')"));
        lines.addAll(attempt(2, "open('answer.txt', 'w').write('epoch two, turn 1')", "open('answer.txt', 'w').write('epoch two, turn 2')"));
        Files.write(run.resolve("trajectories.jsonl"), lines);
        PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        NotebookSandbox sandbox = new NotebookSandbox();
        try {
            List<String> replayed = sandbox.openTask(run, "t1", null, 2, "local", log);
            assertEquals(2, replayed.size(), replayed.toString());
            assertEquals("epoch two, turn 2", read(sandbox, "answer.txt"), "epoch 2's own code, every turn");
            assertEquals("absent", read(sandbox, "first.txt"), "nothing of epoch 1's attempt");
            assertTrue(sandbox.describe().contains("task t1 epoch 2"), sandbox.describe());

            sandbox.openTask(run, "t1", 1, 2, "local", log);
            assertEquals("epoch two, turn 1", read(sandbox, "answer.txt"), "--turn within the epoch");

            sandbox.openTask(run, "t1", null, 1, "local", log);
            assertEquals("epoch one", read(sandbox, "answer.txt"));
            assertEquals("only epoch 1", read(sandbox, "first.txt"));

            IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> sandbox.openTask(run, "t1", null, 3, "local", log));
            assertTrue(missing.getMessage().contains("no epoch 3") && missing.getMessage().contains("its epochs: 1, 2"), missing.getMessage());
        } finally {
            sandbox.close();
        }
    }
}
