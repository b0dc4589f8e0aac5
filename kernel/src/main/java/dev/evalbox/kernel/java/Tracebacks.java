package dev.evalbox.kernel.java;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** How a cell's exception is reported: its name, message and frames, with the causes, cut to what the user's code did. */
final class Tracebacks {
    /** Frames shown per exception: a stack overflow would otherwise send a thousand lines to the notebook. */
    static final int MAX_FRAMES = 40;

    private Tracebacks() {
    }

    static CellOutcome interrupted() {
        return CellOutcome.failed(new CellError("Interrupted", "the cell was interrupted", List.of("Interrupted: the cell was interrupted")));
    }

    /**
     * The error of {@code thrown}: {@code name} gives each exception's class name, {@code frame} each
     * frame as shown, or null to leave it out. Frames from where the kernel called the cell on are cut.
     */
    static CellError error(Throwable thrown, Function<Throwable, String> name, UnaryOperator<StackTraceElement> frame) {
        String message = thrown.getMessage() == null ? "" : thrown.getMessage();
        List<String> traceback = new ArrayList<>();
        for (Throwable current = thrown; current != null; current = current.getCause()) {
            String currentMessage = current.getMessage() == null ? "" : current.getMessage();
            traceback.add((traceback.isEmpty() ? "" : "Caused by: ") + name.apply(current)
                    + (currentMessage.isEmpty() ? "" : ": " + currentMessage));
            StackTraceElement[] frames = current.getStackTrace();
            int shown = 0;
            for (int i = 0; i < frames.length; i++) {
                if (isHarnessFrame(frames[i])) {
                    break;
                }
                if (shown == MAX_FRAMES) {
                    traceback.add("\t... " + (frames.length - i) + " more frames");
                    break;
                }
                StackTraceElement shownFrame = frame.apply(frames[i]);
                if (shownFrame != null) {
                    traceback.add("\tat " + shownFrame);
                    shown++;
                }
            }
        }
        return new CellError(name.apply(thrown), message, traceback);
    }

    /** Frames below the cell's own code belong to JShell and the kernel; the user need not see them. */
    private static boolean isHarnessFrame(StackTraceElement frame) {
        String type = frame.getClassName();
        return type.startsWith("jdk.internal.reflect.") || type.startsWith("java.lang.reflect.Method")
                || type.startsWith("dev.evalbox.kernel.java.");
    }
}
