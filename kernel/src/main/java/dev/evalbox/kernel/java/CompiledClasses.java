package dev.evalbox.kernel.java;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.SortedMap;

/**
 * JShell's in-memory class files, pruned of the snippets nothing can refer to any more.
 *
 * <p>Why: JShell keeps the class file of every snippet it ever compiled (in its file manager) and
 * javac lists all of them whenever it looks into the snippets' package, which is in every compile.
 * So each cell compiled slower than the one before: measured with the kernel's evaluator, {@code 1 + 1}
 * took about 7 ms more CPU per 1,000 earlier cells. The class files of expressions whose value
 * variable the kernel dropped, of statements and of plain expressions are never read again (no later
 * snippet can name them; their classes are already loaded), so they are removed once evaluated;
 * declarations (variables, methods, classes, imports) keep theirs.
 *
 * <p>The file manager is JShell's internal state, reached by reflection; that needs
 * {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED} (the launcher and the kernelspec pass it).
 * Without it nothing is pruned and cells work as before, only slower as the notebook grows.
 */
final class CompiledClasses {
    private final SortedMap<Object, ?> classFiles;
    private final Method classFullName;
    private final String unavailable;

    CompiledClasses(JShell shell) {
        SortedMap<Object, ?> files = null;
        Method name = null;
        String why = null;
        try {
            Object fileManager = JShellInternals.fileManager(shell);
            Object map = JShellInternals.field(fileManager.getClass(), "classObjects").get(fileManager);
            name = Snippet.class.getDeclaredMethod("classFullName");
            name.setAccessible(true);
            if (map instanceof SortedMap<?, ?> sorted) {
                @SuppressWarnings("unchecked") // keys are class names; only removed here, never read as anything else
                SortedMap<Object, ?> byName = (SortedMap<Object, ?>) sorted;
                files = byName;
            } else {
                why = "JShell's class files are not kept in a sorted map in this JDK";
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = JShellInternals.unreachable(e);
        }
        this.classFiles = why == null ? files : null;
        this.classFullName = why == null ? name : null;
        this.unavailable = why;
    }

    /** Null when pruning works; otherwise why not (the kernel logs it once). */
    String unavailable() {
        return unavailable;
    }

    /** Removes the class files of {@code snippet}'s wrapper class and the classes nested in it (lambdas, anonymous classes). */
    void forget(Snippet snippet) {
        if (classFiles == null) {
            return;
        }
        String wrapper;
        try {
            wrapper = (String) classFullName.invoke(snippet);
        } catch (ReflectiveOperationException e) {
            return;
        }
        if (wrapper == null || wrapper.isEmpty()) {
            return;
        }
        classFiles.remove(wrapper);
        // Nested classes are named wrapper$...; '$' + 1 is '%', so this range is exactly them.
        classFiles.subMap(wrapper + "$", wrapper + "%").clear();
    }

    /** How many class files JShell holds now; -1 when they cannot be seen. */
    int retained() {
        return classFiles == null ? -1 : classFiles.size();
    }

}
