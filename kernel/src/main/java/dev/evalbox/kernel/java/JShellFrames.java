package dev.evalbox.kernel.java;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;

import java.lang.reflect.Method;

/**
 * JShell's way of showing a frame of one of its snippets' classes ({@code .boom(#2:1)}: the snippet
 * number and the line in the snippet), for exceptions that reach the kernel without passing through
 * JShell (a plain snippet calling a method a JShell snippet declared), so a traceback reads the same
 * whichever ran the cell. Reached by reflection ({@link JShellInternals}).
 */
final class JShellFrames {
    private static final String RUN = "do_it$";

    private final Object outerMap;
    private final Method outerOf;
    private final Method snippetLine;
    private final Method snippetOf;
    private final Method expunge;

    private JShellFrames(Object outerMap, Method outerOf, Method snippetLine, Method snippetOf, Method expunge) {
        this.outerMap = outerMap;
        this.outerOf = outerOf;
        this.snippetLine = snippetLine;
        this.snippetOf = snippetOf;
        this.expunge = expunge;
    }

    static JShellFrames of(JShell shell) throws ReflectiveOperationException {
        Object outerMap = JShellInternals.field(JShell.class, "outerMap").get(shell);
        Method outerOf = accessible(outerMap.getClass().getDeclaredMethod("getOuter", String.class));
        Class<?> outer = Class.forName("jdk.jshell.OuterWrap");
        Method snippetLine = accessible(outer.getDeclaredMethod("wrapLineToSnippetLine", int.class));
        Method snippetOf = accessible(Class.forName("jdk.jshell.OuterSnippetsClassWrap").getDeclaredMethod("wrapLineToSnippet", int.class));
        Method expunge = accessible(Class.forName("jdk.jshell.Util").getDeclaredMethod("expunge", String.class));
        return new JShellFrames(outerMap, outerOf, snippetLine, snippetOf, expunge);
    }

    private static Method accessible(Method method) {
        method.setAccessible(true);
        return method;
    }

    /** {@code frame} as JShell shows it: translated when it is in one of JShell's snippet classes, else as it is. */
    StackTraceElement translate(StackTraceElement frame) {
        try {
            Object outer = outerOf.invoke(outerMap, frame.getClassName());
            if (outer == null) {
                return frame;
            }
            int wrapLine = frame.getLineNumber() - 1;
            Snippet snippet = (Snippet) snippetOf.invoke(outer, wrapLine);
            int line = (int) snippetLine.invoke(outer, wrapLine) + 1;
            String method = frame.getMethodName().equals(RUN) ? "" : frame.getMethodName();
            return new StackTraceElement((String) expunge.invoke(null, frame.getClassName()), method, "#" + snippet.id(), line);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return frame;
        }
    }
}
