package dev.evalbox.unittests.eval;

import dev.evalbox.agentloop.model.ChatModel;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What {@link Benchmark#open} gets from the runner: the run directory (already created), whether the
 * run is resumed (a benchmark that keeps files of its own continues them then, and only then), where
 * warnings go (a dataset line skipped, a missing input folder), and the model-call cache ({@code --cache};
 * null without it).
 */
public record EvalContext(Path runDir, boolean resume, PrintStream err, CacheUse cache) {

    public EvalContext(Path runDir, boolean resume, PrintStream err) { this(runDir, resume, err, null); }

    /**
     * The model (or judge) server as the run calls it: behind the model-call cache with {@code --cache}, else
     * itself. An attempt calls it through {@code forEpoch(context.epoch())}, so that repeated attempts of a task
     * do not share answers.
     */
    public ChatModel cached(OpenAiChatModel server) {
        return cache == null ? server : cache.wrap(server);
    }

    /** Tells the user about something that does not stop the run. */
    public void warn(String message) {
        err.println("warning: " + message);
    }
}
