package dev.evalbox.kernel.notebook;

import dev.evalbox.unittests.view.RunIndex;
import dev.evalbox.unittests.view.TaskTranscript;
import dev.evalbox.unittests.view.ViewData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;
import java.util.function.Function;

/**
 * One task of a run in the notebook, rendered by the same {@link TaskTranscript} as `evalbox view`'s
 * task page: the verdict and reason, every turn, cell and output, the final answer, screenshots and
 * files. Images the page links to are put inline (a notebook cannot follow the viewer's links).
 */
public record TaskView(Path run, String task) {
    private static final long MAX_INLINE = 4L << 20;
    /** The transcript's look, scoped to it so that it leaves the notebook's own styles alone (every view that shows one). */
    static final String STYLE = "<style>.evalbox-task pre{white-space:pre-wrap;word-break:break-word;margin:4px 0}"
            + ".evalbox-task pre.code{background:#0f172a;color:#e2e8f0;padding:8px 10px;border-radius:4px}"
            + ".evalbox-task .k{color:#c792ea}.evalbox-task .s{color:#c3e88d}.evalbox-task .c{color:#7f8c98}.evalbox-task .n{color:#f78c6c}"
            + ".evalbox-task .b{color:#82aaff}.evalbox-task .msg,.evalbox-task .cell{border-left:3px solid #d0d5dd;padding-left:10px;margin:8px 0}"
            + ".evalbox-task .role{font-size:11px;text-transform:uppercase;color:#5b6472}.evalbox-task pre.traceback{color:#b91c1c}"
            + ".evalbox-task img.output{max-width:100%}.evalbox-task iframe.model-page{width:100%;height:600px}</style>";

    public MimeBundle bundle() {
        RunIndex index = new RunIndex(run);
        index.refresh(true);
        String command = "%sandbox open --task " + task + " --run " + run;
        String html = new TaskTranscript(task, index.rowsOf(task), index.eventsOf(task), ViewData.files(run, task), inliner(run), command).html();
        StringBuilder text = new StringBuilder("task " + task + " of " + run + "\n");
        index.rowsOf(task).forEach(row -> text.append("  ").append(row.path("passed").isBoolean() ? (row.get("passed").asBoolean() ? "passed" : "failed")
                : "score " + row.path("score").asText("-")).append(' ').append(row.path("reason").asText("")).append('\n'));
        return MimeBundle.html(STYLE + html).with("text/plain", text.toString());
    }

    /** Links for a transcript of {@code folder}: a relative image as a data URI, any other file as its path (the notebook has no route to it). */
    static Function<String, String> inliner(Path folder) {
        return relative -> inline(folder, relative);
    }

    private static String inline(Path folder, String relative) {
        Path file = folder.resolve(relative).normalize();
        String name = relative.toLowerCase(Locale.ROOT);
        String type = name.endsWith(".png") ? "image/png" : name.endsWith(".jpg") || name.endsWith(".jpeg") ? "image/jpeg" : null;
        try {
            if (type != null && file.startsWith(folder.normalize()) && Files.isRegularFile(file) && Files.size(file) <= MAX_INLINE) {
                return "data:" + type + ";base64," + Base64.getEncoder().encodeToString(Files.readAllBytes(file));
            }
        } catch (IOException e) {
            // shown as its path below
        }
        return file.toUri().toString();
    }
}
