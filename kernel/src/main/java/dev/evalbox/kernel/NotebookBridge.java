package dev.evalbox.kernel;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The kernel's side of {@code Notebook}: that class lives in the cells' class loader, so the kernel
 * reaches it by reflection and both sides exchange only JDK types.
 */
final class NotebookBridge {
    private static final String NOTEBOOK = "dev.evalbox.kernel.notebook.Notebook";

    private final Method render;
    private final Method interruptSandbox;
    private final Method detach;

    NotebookBridge(ClassLoader cells, Consumer<Map<String, Object>> publish, Function<String, String> input) {
        try {
            Class<?> notebook = Class.forName(NOTEBOOK, true, cells);
            notebook.getMethod("attach", Consumer.class, Function.class).invoke(null, publish, input);
            this.render = notebook.getMethod("render", Object.class);
            this.interruptSandbox = notebook.getMethod("interruptSandbox");
            this.detach = notebook.getMethod("detach");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the notebook API (" + NOTEBOOK + ") is not on the cells' class path", e);
        }
    }

    /** Interrupts a Python cell running in the notebook's sandbox; false when none runs. */
    boolean interruptSandbox() {
        try {
            return (Boolean) interruptSandbox.invoke(null);
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** Closes what the notebook holds (its sandbox). */
    void detach() {
        try {
            detach.invoke(null);
        } catch (ReflectiveOperationException e) {
            // the notebook's resources go with the JVM
        }
    }

    /** The MIME bundle of a cell's value: a map with "data" and "metadata". Throws what the value's own rendering throws. */
    @SuppressWarnings("unchecked")
    Map<String, Object> render(Object value) throws Throwable {
        try {
            return (Map<String, Object>) render.invoke(null, value);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
