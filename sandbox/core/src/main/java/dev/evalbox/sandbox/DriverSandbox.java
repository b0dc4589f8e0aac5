package dev.evalbox.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Sandbox} of every backend: a driver process reached through a {@link DriverConnection},
 * replaced by a fresh one on restart, after a timeout the cell ignored, or on request. A backend
 * (in this module or its own) makes one with a launcher of its {@link SandboxProcess}es.
 */
public final class DriverSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(DriverSandbox.class);
    private static final int UPLOAD_CHUNK = 1 << 20;
    private static final Duration FILE_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration REPLY_MARGIN = Duration.ofSeconds(3);
    /** How long a reply is waited for once the driver has said the cell's code stopped (a hang guard). */
    private static final Duration ENDING_LIMIT = Duration.ofSeconds(60);

    private final String backend;
    private final SandboxSpec spec;
    private final Supplier<SandboxProcess> launcher;
    private final Object executing = new Object();
    private volatile SandboxProcess process;
    private volatile DriverConnection connection;
    private volatile SandboxInfo info;
    private volatile boolean alive;
    private volatile boolean closed;
    private volatile String deathNote = "";

    /**
     * Starts the first driver process and waits for it to be ready, with the spec's inputs in place.
     *
     * @param backend  the provider's name, reported by {@link #backend()}
     * @param launcher starts a new driver process (at first and at each restart); it must not connect it
     */
    public DriverSandbox(String backend, SandboxSpec spec, Supplier<SandboxProcess> launcher) {
        this.backend = backend;
        this.spec = spec;
        this.launcher = launcher;
        start();
    }

    private void start() {
        SandboxProcess started = launcher.get();
        DriverConnection conn = new DriverConnection(started);
        started.connect(conn);
        try {
            info = conn.awaitReady(spec.startTimeout());
        } catch (TimeoutException e) {
            String diagnostics = conn.diagnostics();
            started.destroy();
            throw new SandboxException("the sandbox " + started.id() + " was not ready within "
                    + spec.startTimeout().toSeconds() + " s" + (diagnostics.isEmpty() ? "" : ":\n" + diagnostics));
        } catch (InterruptedException e) {
            started.destroy();
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while starting a sandbox");
        } catch (RuntimeException e) {
            started.destroy();
            throw e;
        }
        process = started;
        connection = conn;
        alive = true;
        deathNote = "";
        if (!started.inputsInPlace()) uploadInputs();
    }

    /** The spec's inputs, uploaded through the driver, for backends that do not place them themselves. */
    private void uploadInputs() {
        try {
            SandboxFiles.place(spec.inputs(), connection);
        } catch (RuntimeException e) {
            alive = false;
            process.destroy();
            throw e;
        }
    }

    @Override public String id() { return process.id(); }
    @Override public SandboxSpec spec() { return spec; }
    @Override public String backend() { return backend; }
    @Override public SandboxInfo info() { return info; }
    @Override public boolean isAlive() { return alive && !closed; }

    @Override
    public ExecutionResult execute(String code, Duration timeout, OutputListener listener) {
        ensureOpen();
        synchronized (executing) {
            Instant started = Instant.now();
            if (!alive) {
                return new ExecutionResult(ExecutionStatus.CRASHED, List.of(), null, Duration.ZERO, true, 0,
                        "the sandbox is not running (" + deathNote + "); call restart()");
            }
            DriverConnection conn = connection;
            DriverConnection.Execution execution;
            try {
                execution = conn.startExecute(code, timeout, spec.maxOutputBytes(), spec.maxDisplayBytes(),
                        listener == null ? OutputListener.NONE : listener);
            } catch (ConnectionDroppedException e) {
                return dropped(List.of(), started, e);
            } catch (IOException e) {
                return died(List.of(), started, e);
            }
            try {
                JsonNode reply = awaitReply(execution, timeout);
                JsonNode count = reply.path("execution_count");
                ExecutionStatus status = switch (reply.path("status").asText()) {
                    case "ok" -> ExecutionStatus.OK;
                    case "timeout" -> ExecutionStatus.TIMEOUT;
                    default -> ExecutionStatus.ERROR;
                };
                String message = status == ExecutionStatus.TIMEOUT ? timeoutMessage(timeout, reply.path("killed_processes").asInt()) : "";
                return new ExecutionResult(status, ExecutionResult.coalesce(execution.snapshot()),
                        count.isNumber() ? count.asInt() : null, Duration.between(started, Instant.now()), false,
                        reply.path("dropped_bytes").asLong(), message);
            } catch (TimeoutException e) {
                List<Output> outputs = execution.snapshot();
                LOG.info("sandbox {}: cell ignored the interrupt; restarting", id());
                replaceProcess();
                return new ExecutionResult(ExecutionStatus.TIMEOUT, ExecutionResult.coalesce(outputs), null,
                        Duration.between(started, Instant.now()), true, 0,
                        "the cell did not stop within " + seconds(spec.interruptGrace()) + " of being interrupted at the "
                                + seconds(timeout) + " time limit; the sandbox was killed and restarted, so its state was lost");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ConnectionDroppedException dropped) return dropped(execution.snapshot(), started, dropped);
                return died(execution.snapshot(), started, e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                interrupt();
                throw new SandboxException("interrupted while waiting for a cell in sandbox " + id());
            } finally {
                conn.finished(execution);
            }
        }
    }

    private JsonNode awaitReply(DriverConnection.Execution execution, Duration timeout)
            throws TimeoutException, ExecutionException, InterruptedException {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            return execution.reply.get();
        }
        Duration wait = timeout.plus(spec.interruptGrace()).plus(REPLY_MARGIN);
        try {
            return execution.reply.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // The cell's code has stopped and the driver is finishing it (a traceback, the reply) on a CPU
            // that a fork bomb or a loaded host leaves it little of: late, but no reason to lose the session.
            if (!execution.ending) return awaitWhileStarved(execution, e);
            LOG.info("sandbox {}: the cell stopped at its deadline; waiting for the driver to finish it", id());
            return execution.reply.get(ENDING_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * The grace is over and the cell has not stopped. A cell that ignores the interrupt runs (a C loop) or
     * sleeps; a sandbox on a starved CPU (its own fork bomb stopped, the host loaded many times over) is
     * runnable but waits for a CPU, and its interrupt is simply not handled yet. So it gets another grace
     * while its processes spent at least half of the last one waiting for a CPU, up to {@link #ENDING_LIMIT}.
     */
    private JsonNode awaitWhileStarved(DriverConnection.Execution execution, TimeoutException timedOut)
            throws TimeoutException, ExecutionException, InterruptedException {
        java.util.OptionalLong pid = process.hostPid();
        if (pid.isEmpty()) throw timedOut;
        long step = Math.max(500, spec.interruptGrace().toMillis());
        long giveUp = System.nanoTime() + ENDING_LIMIT.toNanos();
        java.util.OptionalLong before = RunQueueWait.nanos(pid.getAsLong());
        while (before.isPresent() && System.nanoTime() < giveUp) {
            try {
                return execution.reply.get(step, TimeUnit.MILLISECONDS);
            } catch (TimeoutException again) {
                if (execution.ending) return execution.reply.get(ENDING_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                java.util.OptionalLong after = RunQueueWait.nanos(pid.getAsLong());
                if (after.isEmpty() || after.getAsLong() - before.getAsLong() < TimeUnit.MILLISECONDS.toNanos(step) / 2) throw timedOut;
                LOG.info("sandbox {}: the cell's processes waited {} ms for a CPU in the last {} ms; waiting on for its reply", id(),
                        (after.getAsLong() - before.getAsLong()) / 1_000_000, step);
                before = after;
            }
        }
        throw timedOut;
    }

    /**
     * The connection to the driver dropped while this cell was being sent or run, and the backend made it again: the
     * driver and its state live on. Whether the cell ran is not known when its request may have arrived, and it is
     * never sent again; the cell ends with an error saying so (an error output too, so that a model reading the
     * outputs sees it), and the session goes on.
     */
    private ExecutionResult dropped(List<Output> outputs, Instant started, ConnectionDroppedException e) {
        LOG.info("sandbox {}: {}", id(), e.getMessage());
        String message = e.mayHaveArrived()
                ? "the connection to the sandbox dropped while the cell was sent or running; it may or may not have run (in part),"
                        + " and what it printed after the drop is lost; the session goes on with its state as the cell left it"
                : "the connection to the sandbox dropped before the cell was sent; it did not run; the session goes on";
        List<Output> all = new ArrayList<>(outputs);
        all.add(new Output.Error("SandboxConnectionDropped", message, List.of()));
        return new ExecutionResult(ExecutionStatus.ERROR, ExecutionResult.coalesce(all), null,
                Duration.between(started, Instant.now()), false, 0, message);
    }

    private ExecutionResult died(List<Output> outputs, Instant started, Throwable cause) {
        SandboxProcess.ExitInfo exit = process.awaitExit(Duration.ofSeconds(10));
        alive = false;
        boolean oom = exit != null && exit.oomKilled();
        String how = exit == null ? "stopped answering" : exit.describe();
        deathNote = "the interpreter " + how;
        LOG.debug("sandbox {} died: {}", id(), cause == null ? how : cause.getMessage());
        String message = oom
                ? "the sandbox ran out of memory (limit " + (spec.memoryBytes() >> 20) + " MiB) and was killed; call restart()"
                : "the interpreter " + how + "; its state is lost; call restart()";
        return new ExecutionResult(oom ? ExecutionStatus.OOM : ExecutionStatus.CRASHED, ExecutionResult.coalesce(outputs),
                null, Duration.between(started, Instant.now()), true, 0, message);
    }

    private static String timeoutMessage(Duration timeout, int killed) {
        return "interrupted at the " + seconds(timeout) + " time limit"
                + (killed == 0 ? "" : killed == 1 ? "; 1 process the cell started was killed" : "; " + killed + " processes the cell started were killed")
                + "; the session's state is kept";
    }

    private static String seconds(Duration d) {
        return d == null ? "no" : String.format("%.1f s", d.toMillis() / 1000.0);
    }

    @Override
    public void upload(byte[] content, String sandboxPath) {
        ensureRunning();
        int offset = 0;
        do {
            int length = Math.min(UPLOAD_CHUNK, content.length - offset);
            byte[] chunk = new byte[length];
            System.arraycopy(content, offset, chunk, 0, length);
            connection.call("upload_request", DriverConnection.content()
                    .put("path", sandboxPath)
                    .put("append", offset > 0)
                    .put("data", Base64.getEncoder().encodeToString(chunk)), FILE_TIMEOUT);
            offset += length;
        } while (offset < content.length);
    }

    @Override
    public byte[] download(String sandboxPath) {
        ensureRunning();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long offset = 0;
        while (true) {
            JsonNode reply = connection.call("download_request", DriverConnection.content()
                    .put("path", sandboxPath).put("offset", offset), FILE_TIMEOUT);
            byte[] data = Base64.getDecoder().decode(reply.path("data").asText());
            out.writeBytes(data);
            offset += data.length;
            if (reply.path("eof").asBoolean() || data.length == 0) return out.toByteArray();
        }
    }

    @Override
    public void makeDirectories(String sandboxPath) {
        ensureRunning();
        connection.call("mkdir_request", DriverConnection.content().put("path", sandboxPath), FILE_TIMEOUT);
    }

    @Override
    public List<FileEntry> list(String sandboxDir) {
        ensureRunning();
        JsonNode reply = connection.call("list_request", DriverConnection.content().put("path", sandboxDir), FILE_TIMEOUT);
        List<FileEntry> entries = new ArrayList<>();
        for (JsonNode e : reply.path("entries")) {
            FileEntry.Type type = switch (e.path("type").asText()) {
                case "file" -> FileEntry.Type.FILE;
                case "directory" -> FileEntry.Type.DIRECTORY;
                case "link" -> FileEntry.Type.LINK;
                default -> FileEntry.Type.OTHER;
            };
            entries.add(new FileEntry(e.path("name").asText(), type, e.path("size").asLong(),
                    Instant.ofEpochMilli(Math.round(e.path("mtime").asDouble() * 1000))));
        }
        return entries;
    }

    @Override
    public void interrupt() {
        if (!isAlive()) return;
        try {
            connection.sendInterrupt();
        } catch (IOException e) {
            LOG.debug("interrupt could not reach sandbox {}: {}", id(), e.getMessage());
        }
    }

    @Override
    public void restart() {
        ensureOpen();
        synchronized (executing) {
            replaceProcess();
        }
    }

    private void replaceProcess() {
        alive = false;
        process.destroy();
        start();
    }

    private void ensureOpen() {
        if (closed) throw new SandboxException("sandbox " + process.id() + " is closed");
    }

    private void ensureRunning() {
        ensureOpen();
        if (!alive) throw new SandboxException("sandbox " + id() + " is not running (" + deathNote + "); call restart()");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        alive = false;
        process.destroy();
    }

    @Override
    public String toString() {
        return "Sandbox[" + backend + " " + id() + (isAlive() ? "" : ", not running") + "]";
    }
}
