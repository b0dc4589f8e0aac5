package dev.evalbox.cli;

import dev.evalbox.kernel.notebook.DisplayHandle;
import dev.evalbox.kernel.notebook.MimeBundle;
import dev.evalbox.kernel.notebook.Notebook;
import dev.evalbox.unittests.report.Html;

import java.io.PrintStream;
import java.time.Duration;

/**
 * A progress line for long work: a bar, done/total, passes so far and an ETA. Redrawn in place on
 * a terminal and, in a notebook (the %evalbox magic), as a display updated in place; on a pipe or
 * in a log, a line every 10% or 10 seconds.
 */
final class Progress {
    private final PrintStream out;
    private final String label;
    private final int total;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private int done;
    private int passed;
    private long lastPrinted;
    private int lastDecile = -1;
    private DisplayHandle display;

    Progress(PrintStream out, String label, int total) {
        this.out = out;
        this.label = label;
        this.total = total;
        this.terminal = System.console() != null;
    }

    synchronized void step(boolean pass) {
        done++;
        if (pass) passed++;
        long now = System.nanoTime();
        if (Notebook.isAttached()) {
            // update_display_data at most five times a second, and always for the last task
            if (display == null || now - lastPrinted > 200_000_000L || done == total) {
                lastPrinted = now;
                MimeBundle bundle = MimeBundle.html("<pre>" + Html.escape(line(now)) + "</pre>").with("text/plain", line(now));
                if (display == null) {
                    display = Notebook.display(bundle);
                } else {
                    display.update(bundle);
                }
            }
            return;
        }
        int decile = total == 0 ? 10 : done * 10 / total;
        if (terminal || decile != lastDecile || now - lastPrinted > 10_000_000_000L || done == total) {
            lastDecile = decile;
            lastPrinted = now;
            out.print((terminal ? "\r" : "") + line(now) + (terminal ? "" : "\n"));
            out.flush();
        }
    }

    synchronized void finish() {
        if (terminal && display == null) out.println();
    }

    private String line(long now) {
        int width = 24;
        int filled = total == 0 ? width : done * width / total;
        Duration elapsed = Duration.ofNanos(now - started);
        String eta = done == 0 || done == total ? "" : "  ETA " + format(elapsed.multipliedBy(total - done).dividedBy(done));
        return String.format("%s [%s%s] %d/%d  passed %d  %s%s", label, "#".repeat(filled), ".".repeat(width - filled),
                done, total, passed, format(elapsed), eta);
    }

    private static String format(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
    }
}
