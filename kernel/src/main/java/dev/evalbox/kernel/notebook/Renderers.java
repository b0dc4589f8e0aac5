package dev.evalbox.kernel.notebook;

import javax.imageio.ImageIO;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Turns a cell's objects into MIME bundles: the evalbox types richly, images as PNG, everything else as text. */
final class Renderers {
    private record Entry(Class<?> type, Function<Object, MimeBundle> render) {
    }

    private final List<Entry> entries = new ArrayList<>();

    Renderers() {
        add(MimeBundle.class, bundle -> bundle);
        add(RenderedImage.class, Renderers::png);
        add(RunView.class, RunView::bundle);
        add(CompareView.class, CompareView::bundle);
        add(TrajectoryView.class, TrajectoryView::bundle);
        add(TaskView.class, TaskView::bundle);
        add(dev.evalbox.sandbox.ExecutionResult.class, Renderers::executionResult);
    }

    /** A sandbox cell's result: its outputs as the sandbox produced them, images inline, and its status. */
    private static MimeBundle executionResult(dev.evalbox.sandbox.ExecutionResult result) {
        String status = result.status().name().toLowerCase(java.util.Locale.ROOT);
        // the outputs as a transcript's cell shows them (the viewer's rendering)
        String html = TaskView.STYLE + "<div class=\"evalbox-task\"><small>" + status + "</small>"
                + dev.evalbox.unittests.view.TaskTranscript.outputsHtml(dev.evalbox.sandbox.OutputJson.toJson(result.outputs())) + "</div>";
        StringBuilder text = new StringBuilder("[" + status + "]\n");
        TrajectoryView.outputsText(text, result.outputs());
        return MimeBundle.html(html).with("text/plain", text.toString());
    }

    <T> void add(Class<T> type, Function<? super T, MimeBundle> render) {
        entries.add(0, new Entry(type, value -> render.apply(type.cast(value))));
    }

    MimeBundle render(Object value) {
        for (Entry entry : entries) {
            if (entry.type().isInstance(value)) {
                return entry.render().apply(value);
            }
        }
        return MimeBundle.text(plainText(value));
    }

    /** The text JShell would show for a value: strings and characters quoted, arrays spelled out. */
    static String plainText(Object value) {
        if (value instanceof String s) {
            return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
        }
        if (value instanceof Character c) {
            return "'" + c + "'";
        }
        if (value instanceof Object[] array) {
            return Arrays.deepToString(array);
        }
        if (value != null && value.getClass().isArray()) {
            return Arrays.deepToString(new Object[] {value}).replaceAll("^\\[|\\]$", "");
        }
        return String.valueOf(value);
    }

    private static MimeBundle png(RenderedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("the image could not be encoded as PNG", e);
        }
        return MimeBundle.png(bytes.toByteArray())
                .with("text/plain", "<image " + image.getWidth() + "x" + image.getHeight() + ">");
    }
}
