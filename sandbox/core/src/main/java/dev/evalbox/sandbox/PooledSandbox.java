package dev.evalbox.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** A sandbox handed out by a {@link SandboxPool}: one-shot, so closing it destroys it and frees its room. */
final class PooledSandbox implements Sandbox {
    private final Sandbox delegate;
    private final Consumer<Sandbox> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    PooledSandbox(Sandbox delegate, Consumer<Sandbox> onClose) {
        this.delegate = delegate;
        this.onClose = onClose;
    }

    @Override public String id() { return delegate.id(); }
    @Override public SandboxSpec spec() { return delegate.spec(); }
    @Override public String backend() { return delegate.backend(); }
    @Override public SandboxInfo info() { return delegate.info(); }
    @Override public boolean isAlive() { return !closed.get() && delegate.isAlive(); }
    @Override public ExecutionResult execute(String code, Duration timeout, OutputListener listener) {
        return delegate.execute(code, timeout, listener);
    }
    @Override public void upload(byte[] content, String sandboxPath) { delegate.upload(content, sandboxPath); }
    @Override public byte[] download(String sandboxPath) { return delegate.download(sandboxPath); }
    @Override public List<FileEntry> list(String sandboxDir) { return delegate.list(sandboxDir); }
    @Override public void makeDirectories(String sandboxPath) { delegate.makeDirectories(sandboxPath); }
    @Override public void interrupt() { delegate.interrupt(); }
    @Override public void restart() { delegate.restart(); }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            delegate.close();
            onClose.accept(delegate);
        }
    }

    @Override
    public String toString() { return "Pooled" + delegate; }
}
