package dev.evalbox.cli;

import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Output;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/** Shows a cell's outputs on a terminal; images are saved as files and their paths printed. */
final class OutputPrinter {
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private final PrintStream out;
    private final PrintStream err;
    private final Path imageDir;
    private final boolean colour;
    private int images;

    OutputPrinter(PrintStream out, PrintStream err, Path imageDir, boolean colour) {
        this.out = out;
        this.err = err;
        this.imageDir = imageDir;
        this.colour = colour;
    }

    /** Prints one output as it arrives (streams) or at the end (the rest). */
    void print(Output output) {
        if (output instanceof Output.Stream s) {
            (s.isStderr() ? err : out).print(s.text());
        } else if (output instanceof Output.MimeBundle bundle) {
            printBundle(bundle);
        } else if (output instanceof Output.Error e) {
            err.println(String.join("\n", e.traceback().stream().map(this::clean).toList()));
        }
        out.flush();
        err.flush();
    }

    private void printBundle(Output.MimeBundle bundle) {
        var png = bundle.png();
        if (png.isPresent()) {
            Path file = saveImage(png.get());
            out.println("[image saved: " + file + "]");
        } else {
            bundle.plainText().ifPresent(out::println);
        }
    }

    /** Prints what only the result knows: a failure of the sandbox itself, dropped output. */
    void printOutcome(ExecutionResult result) {
        if (result.status() == ExecutionStatus.TIMEOUT || result.status() == ExecutionStatus.CRASHED
                || result.status() == ExecutionStatus.OOM) {
            err.println("[" + result.status().name().toLowerCase(Locale.ROOT) + "] " + result.message());
        }
    }

    private Path saveImage(byte[] png) {
        try {
            Files.createDirectories(imageDir);
            Path file = imageDir.resolve(String.format("image-%03d.png", ++images));
            while (Files.exists(file)) file = imageDir.resolve(String.format("image-%03d.png", ++images));
            Files.write(file, png);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save an image into " + imageDir, e);
        }
    }

    private String clean(String line) { return colour ? line : ANSI.matcher(line).replaceAll(""); }
}
