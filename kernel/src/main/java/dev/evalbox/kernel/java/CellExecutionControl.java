package dev.evalbox.kernel.java;

import jdk.jshell.execution.DirectExecutionControl;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs cells in this JVM on a thread of their own, so a cell can be stopped from the control
 * channel, and keeps each expression's value as an object (JShell's own engine turns it into a
 * string) so the kernel can render it richly.
 */
final class CellExecutionControl extends DirectExecutionControl {
    private static final String KEY_PREFIX = "evalbox-value:";

    private final ThreadGroup cells = new ThreadGroup("evalbox-cells");
    private final Map<String, Object> values = new ConcurrentHashMap<>();
    private final AtomicLong nextKey = new AtomicLong();
    private volatile Thread running;
    private volatile boolean stopRequested;

    CellExecutionControl(SnippetLoader loader) {
        super(loader);
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        AtomicReference<Object> value = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = new Thread(cells, () -> {
            try {
                value.set(doit.invoke(null));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "evalbox-cell");
        thread.setContextClassLoader(doit.getDeclaringClass().getClassLoader());
        synchronized (this) {
            if (stopRequested) {
                throw new StoppedException();
            }
            running = thread;
            thread.start();
        }
        try {
            thread.join();
        } finally {
            synchronized (this) {
                running = null;
            }
        }
        Throwable error = failure.get();
        if (stopRequested || error instanceof ThreadDeath
                || (error instanceof InvocationTargetException ite && ite.getCause() instanceof ThreadDeath)) {
            throw new StoppedException();
        }
        if (error instanceof Exception e) {
            throw e;
        }
        if (error != null) {
            throw new InvocationTargetException(error);
        }
        String key = KEY_PREFIX + nextKey.incrementAndGet();
        if (value.get() != null) {
            values.put(key, value.get());
        }
        return key;
    }

    /** The object an expression evaluated to, given the value string JShell reported for it; removed once taken. */
    Object takeValue(String reported) {
        return reported == null ? null : values.remove(reported);
    }

    boolean isValueKey(String reported) {
        return reported != null && reported.startsWith(KEY_PREFIX);
    }

    /**
     * Stops the cell being evaluated: the running snippet now, and any later snippet of the same
     * cell before it starts (a stop can arrive while JShell is still compiling).
     */
    @Override
    @SuppressWarnings("deprecation") // Thread.stop is the only way to end a cell stuck in a loop; JDK 17 still honours it.
    public synchronized void stop() {
        stopRequested = true;
        if (running != null) {
            running.stop();
        }
    }

    /** Called as a cell begins: a stop aimed at an earlier cell must not cancel this one. */
    synchronized void clearStop() {
        stopRequested = false;
    }

    boolean stopped() {
        return stopRequested;
    }
}
