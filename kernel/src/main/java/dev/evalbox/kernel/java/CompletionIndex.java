package dev.evalbox.kernel.java;

import jdk.jshell.SourceCodeAnalysis;

import java.lang.reflect.Method;

/**
 * Holds back JShell's completion index until the notebook has run its first cell.
 *
 * <p>Why: JShell indexes every class of the JDK and of the class path, on a thread of its own, as soon
 * as its source analysis exists, which is while the kernel starts. On a machine with two CPUs that
 * thread took CPU from the engine's build and from the first cell, both of which a user waits for;
 * the index is only needed for completions, and whatever needs it first (a completion, an inspection,
 * or the first cell's end) lets it go. The switch is public in JShell's implementation but not part of its API, so it is reached by
 * reflection ({@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED}); without it nothing is held back.
 */
final class CompletionIndex {
    private final SourceCodeAnalysis analysis;
    private final Method resume;
    /** Guarded by this. */
    private boolean held;

    private CompletionIndex(SourceCodeAnalysis analysis, Method resume, boolean held) {
        this.analysis = analysis;
        this.resume = resume;
        this.held = held;
    }

    /** Holds back {@code analysis}'s indexing, if JShell lets it be reached. */
    static CompletionIndex holdBack(SourceCodeAnalysis analysis) {
        try {
            Method suspend = analysis.getClass().getMethod("suspendIndexing");
            Method resume = analysis.getClass().getMethod("resumeIndexing");
            suspend.setAccessible(true);
            resume.setAccessible(true);
            suspend.invoke(analysis);
            return new CompletionIndex(analysis, resume, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new CompletionIndex(analysis, null, false);
        }
    }

    /**
     * Lets the indexing go on (once; later calls do nothing). Must be called before a completion needs the
     * index, and before the evaluator is closed: JShell indexes on one thread shared by every JShell in
     * the JVM, and a held-back index would hold back the others'.
     */
    synchronized void release() {
        if (!held) {
            return;
        }
        held = false;
        try {
            resume.invoke(analysis);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // JShell is closing or changed: nothing waits on an index that will not be built
        }
    }
}
