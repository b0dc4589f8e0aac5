package dev.evalbox.kernel.java;

import jdk.jshell.JShell;

import java.io.File;
import java.lang.reflect.Field;
import java.util.List;

/**
 * Makes javac inside JShell compile cells against the cells' class path only, as they run.
 *
 * <p>Why: JShell starts javac's class path from this JVM's own ({@code java.class.path}: every jar of
 * the kernel, its transport and %maven's resolver included) and appends what {@link
 * JShell#addToClasspath} adds. So a cell could compile against a kernel-only class (say
 * {@code org.zeromq.ZMQ}) and then fail with NoClassDefFoundError, since the cells' class loader does
 * not have it; a jar a notebook adds came after the kernel's copy of the same library; and javac
 * listed, for every compile, twice as many jars as cells can use. JShell offers no way to start from
 * an empty path, so its starting path is set, by reflection, to the first entry of the cells' path
 * before the whole path is added (that entry then appears twice, which changes nothing).
 * Needs {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED}, as {@link CompiledClasses} does;
 * without it javac sees the kernel's path as before.
 */
final class CompilerClassPath {
    private CompilerClassPath() {
    }

    /**
     * Adds {@code classpath} to {@code shell} (javac and the cells' loader), with javac's path made of
     * it alone when JShell's internals are reachable. Returns why javac also sees the kernel's own
     * class path, or null when it does not.
     */
    static String add(JShell shell, List<String> classpath) {
        if (classpath.isEmpty()) {
            return null;
        }
        String why = null;
        try {
            Object taskFactory = JShellInternals.taskFactory(shell);
            JShellInternals.field(taskFactory.getClass(), "classpath").set(taskFactory, classpath.get(0));
        } catch (ReflectiveOperationException | RuntimeException e) {
            why = JShellInternals.unreachable(e);
        }
        shell.addToClasspath(String.join(File.pathSeparator, classpath));
        return why;
    }

}
