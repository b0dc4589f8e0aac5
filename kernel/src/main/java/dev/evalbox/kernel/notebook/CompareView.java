package dev.evalbox.kernel.notebook;

import dev.evalbox.unittests.compare.Comparison;
import dev.evalbox.unittests.report.CompareReport;
import java.nio.file.Path;

/**
 * Runs compared in the notebook ({@code compare(runA, runB)}): the same content as {@code evalbox compare}'s
 * compare.html, from the same renderer, with the terminal table as the plain-text view. Links to the runs'
 * reports are relative to the kernel's working directory, where the notebook is.
 */
public record CompareView(Comparison comparison) {

    public MimeBundle bundle() {
        String html = new CompareReport(comparison).fragment(Path.of("").toAbsolutePath());
        return MimeBundle.html(html).with("text/plain", comparison.text());
    }
}
