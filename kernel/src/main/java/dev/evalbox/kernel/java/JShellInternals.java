package dev.evalbox.kernel.java;

import jdk.jshell.JShell;

import java.lang.reflect.Field;

/**
 * The parts of JShell's implementation the kernel reaches by reflection, in one place: each needs
 * {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED} (the launcher, the kernelspec and the tests
 * pass it), and each user says what is slower without it.
 */
final class JShellInternals {
    private JShellInternals() {
    }

    /** Why JShell's internals could not be reached, for the kernel's log. */
    static String unreachable(Exception cause) {
        return "JShell's internals are not reachable (" + cause + "); run the JVM with --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED";
    }

    /** JShell's compiler front (its TaskFactory). */
    static Object taskFactory(JShell shell) throws ReflectiveOperationException {
        return field(JShell.class, "taskFactory").get(shell);
    }

    /** JShell's file manager: the class path and the class files of the snippets it compiled. */
    static Object fileManager(JShell shell) throws ReflectiveOperationException {
        Object taskFactory = taskFactory(shell);
        return field(taskFactory.getClass(), "fileManager").get(taskFactory);
    }

    static Field field(Class<?> type, String name) throws NoSuchFieldException {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
