package dev.evalbox.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.ProcessDestroyer;
import org.apache.commons.exec.ShutdownHookProcessDestroyer;

/**
 * A driver running as a child process of this JVM, in its own temporary work dir (named for its
 * owner, see {@link LocalWorkDirs}), started through
 * Commons Exec: its ShutdownHookProcessDestroyer ends the interpreter when the JVM exits, however it
 * exits (an uncaught error included), and its watchdog is the handle that ends it on close. The
 * driver then ends its runner and the processes the cells left in its process group.
 */
final class LocalSandboxProcess implements SandboxProcess {
    private static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration TERM_GRACE = Duration.ofSeconds(2);

    private final Process process;
    private final Path workDir;
    private final Pipes pipes;
    private final ExecuteWatchdog watchdog;
    private volatile boolean destroyed;

    private LocalSandboxProcess(Process process, Path workDir, Pipes pipes, ExecuteWatchdog watchdog) {
        this.process = process;
        this.workDir = workDir;
        this.pipes = pipes;
        this.watchdog = watchdog;
    }

    static LocalSandboxProcess start(String python, SandboxSpec spec) {
        Path workDir = LocalWorkDirs.create();
        // handleQuoting false: the source goes to python as it is (CommandLine only trims it, which
        // the driver's source, starting with its docstring and ending in a newline, can afford).
        CommandLine command = new CommandLine(python).addArgument("-u").addArgument("-c")
                .addArgument(DriverSource.text(), false);
        Map<String, String> env = new HashMap<>(System.getenv());
        Path cache = workDir.resolve(".cache");
        env.put("MPLCONFIGDIR", cache.resolve("matplotlib").toString());
        env.put("IPYTHONDIR", cache.resolve("ipython").toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("PYTHONIOENCODING", "utf-8");
        env.putAll(DriverSource.environment(spec, DriverSource.ProcessScope.DESCENDANTS));
        env.putAll(spec.env());

        Pipes pipes = new Pipes();
        // No time limit: a session lives until it is closed; cells' deadlines are enforced in the sandbox.
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(ExecuteWatchdog.INFINITE_TIMEOUT_DURATION).get();
        Launch launch = new Launch(new ShutdownHookProcessDestroyer());
        DefaultExecutor executor = new DaemonExecutor();
        executor.setWorkingDirectory(workDir.toFile());
        executor.setStreamHandler(pipes);
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(launch);
        executor.setExitValues(null); // how the interpreter ended is reported, not thrown
        try {
            executor.execute(command, env, launch);
            return new LocalSandboxProcess(launch.process.get(LAUNCH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), workDir, pipes, watchdog);
        } catch (IOException | ExecutionException | TimeoutException e) {
            LocalWorkDirs.delete(workDir);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SandboxException("cannot start " + python + " for a local sandbox: " + rootMessage(cause)
                    + " (install Python 3, or pass the interpreter with --python)", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LocalWorkDirs.delete(workDir);
            throw new SandboxException("interrupted while starting " + python + " for a local sandbox");
        }
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null && e.getCause() != e) e = e.getCause();
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    @Override
    public String id() { return "local-" + process.pid(); }

    @Override
    public java.util.OptionalLong hostPid() { return java.util.OptionalLong.of(process.pid()); }

    @Override
    public void connect(ProtocolSink sink) {
        pipes.pump(pipes.stdout, sink, false, "sandbox-" + process.pid() + "-out", this);
        pipes.pump(pipes.stderr, sink, true, "sandbox-" + process.pid() + "-err", this);
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        OutputStream stdin = pipes.stdin;
        stdin.write(bytes);
        stdin.flush();
    }

    @Override
    public ExitInfo awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        return new ExitInfo(process.exitValue(), false);
    }

    @Override
    public void destroy() {
        if (destroyed) return;
        destroyed = true;
        // The cells' processes first: once the interpreter is gone they are no longer its descendants.
        try (Stream<ProcessHandle> children = process.descendants()) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        watchdog.destroyProcess();
        if (awaitExit(TERM_GRACE) == null) {
            process.destroyForcibly(); // a cell may have made the interpreter ignore SIGTERM
            awaitExit(Duration.ofSeconds(5));
        }
        LocalWorkDirs.delete(workDir);
    }

    /**
     * An executor whose thread (it waits for the interpreter as long as the session lives) is a daemon.
     * DefaultExecutor makes it a non-daemon thread whatever its thread factory does, and that thread
     * would keep the JVM from ever exiting after its main thread died, so the shutdown hook would never run.
     */
    private static final class DaemonExecutor extends DefaultExecutor {
        @Override
        protected Thread createThread(Runnable runnable, String name) {
            Thread thread = super.createThread(runnable, name);
            thread.setDaemon(true);
            return thread;
        }
    }

    /**
     * The executor's view of the launch: it hands the started Process to the destroyer (which is how
     * this class gets hold of it; Commons Exec exposes it nowhere else) and reports a failed launch to
     * the result handler, on its own thread.
     */
    private static final class Launch implements ProcessDestroyer, ExecuteResultHandler {
        final CompletableFuture<Process> process = new CompletableFuture<>();
        private final ShutdownHookProcessDestroyer destroyer;

        Launch(ShutdownHookProcessDestroyer destroyer) { this.destroyer = destroyer; }

        @Override
        public boolean add(Process started) {
            boolean added = destroyer.add(started);
            process.complete(started);
            return added;
        }

        @Override
        public boolean remove(Process ended) { return destroyer.remove(ended); }

        @Override
        public int size() { return destroyer.size(); }

        @Override
        public void onProcessComplete(int exitValue) {
            // The interpreter ended; the pumps report it (they see the output end first).
        }

        @Override
        public void onProcessFailed(ExecuteException e) {
            process.completeExceptionally(e); // no effect once the interpreter had started
        }
    }

    /**
     * The interpreter's raw stdin, stdout and stderr. PumpStreamHandler does not fit: the protocol
     * needs stdin written message by message as cells come (not copied from one InputStream) and
     * stdout handed to the sink as it arrives, once the sandbox connects, after the executor has started
     * the process. So this handler keeps the streams, the sandbox pumps them, and stop() (called by the
     * executor once the interpreter has exited, before it closes the streams) waits for the pumps to
     * deliver what the interpreter wrote last.
     */
    private static final class Pipes implements ExecuteStreamHandler {
        private static final long DRAIN_MILLIS = 5_000;
        volatile OutputStream stdin;
        volatile InputStream stdout;
        volatile InputStream stderr;
        private volatile Thread outPump;
        private volatile Thread errPump;

        @Override public void setProcessInputStream(OutputStream os) { stdin = os; }
        @Override public void setProcessOutputStream(InputStream is) { stdout = is; }
        @Override public void setProcessErrorStream(InputStream is) { stderr = is; }
        @Override public void start() { }

        @Override
        public void stop() {
            for (Thread pump : new Thread[] {outPump, errPump}) {
                if (pump == null) continue;
                try {
                    // Bounded: a process the cell left behind may hold the pipe open after the interpreter ended.
                    pump.join(DRAIN_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void pump(InputStream in, ProtocolSink sink, boolean isStderr, String name, LocalSandboxProcess owner) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[65536];
                Throwable failure = null;
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        if (isStderr) {
                            sink.onStderr(buffer, 0, n);
                        } else {
                            sink.onStdout(buffer, 0, n);
                        }
                    }
                } catch (IOException e) {
                    failure = e;
                }
                if (!isStderr) {
                    ExitInfo exit = owner.awaitExit(Duration.ofSeconds(2));
                    sink.onEnd(exit != null ? new IOException("the interpreter " + exit.describe())
                            : failure != null ? failure : new IOException("the interpreter closed its output"));
                }
            }, name);
            thread.setDaemon(true);
            if (isStderr) {
                errPump = thread;
            } else {
                outPump = thread;
            }
            thread.start();
        }
    }
}
