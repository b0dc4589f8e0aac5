package dev.evalbox.unittests.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.Executor;
import org.apache.commons.exec.PumpStreamHandler;
import org.apache.commons.exec.ProcessDestroyer;
import org.apache.commons.exec.Watchdog;

/**
 * How evalbox runs a program on the host (image builds, the bench anchors, doctor's probes): Commons Exec with a
 * watchdog that stops the program at its timeout and a shutdown-hook destroyer, so that no child outlives this
 * JVM, whether it ends normally, on Ctrl-C or on an uncaught error. Both end the program's whole process tree:
 * the programs evalbox runs start their own children (docker build under the build script, the kernels under
 * jupyter_client), and those would otherwise keep running and keep the output pipes open.
 *
 * <p>The program gets no input (its stdin is closed). Its output is captured ({@link Result#out()},
 * {@link Result#err()}), or shown as it comes with {@link #showOutput()}. Any exit status is a {@link Result};
 * a program that cannot start, is stopped at its timeout, or is interrupted is a {@link HostCommandException}.
 */
public final class HostCommand {
    private final List<String> argv;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Path directory;
    private Duration timeout;
    private boolean showOutput;

    private HostCommand(List<String> argv) {
        if (argv.isEmpty()) throw new IllegalArgumentException("a host command needs a program");
        this.argv = List.copyOf(argv);
    }

    /** The program and its arguments, passed as they are (no shell, no quoting). */
    public static HostCommand of(String... argv) { return new HostCommand(List.of(argv)); }

    public static HostCommand of(List<String> argv) { return new HostCommand(argv); }

    /** Run in this directory (default: this JVM's working directory). */
    public HostCommand directory(Path directory) {
        this.directory = directory;
        return this;
    }

    /** Adds (or replaces) one variable in the environment the program inherits from this JVM. */
    public HostCommand env(String name, String value) {
        env.put(name, value);
        return this;
    }

    /** Stop the program (and its children) if it has not finished after this long. Required. */
    public HostCommand timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive: " + timeout);
        this.timeout = timeout;
        return this;
    }

    /** Show the program's stdout and stderr on this JVM's as they come, instead of capturing them. */
    public HostCommand showOutput() {
        this.showOutput = true;
        return this;
    }

    /** The command as a user would type it, for messages. */
    public String display() { return String.join(" ", argv); }

    /**
     * Runs the program to its end.
     *
     * @throws HostCommandException if it cannot start, is stopped at its timeout, or this thread is interrupted
     */
    public Result run() {
        if (timeout == null) throw new IllegalStateException("no timeout set for `" + display() + "`");
        CommandLine line = new CommandLine(argv.get(0));
        // handleQuoting false: each argument is one argv entry as given, even with spaces or quotes (scripts, code).
        argv.subList(1, argv.size()).forEach(arg -> line.addArgument(arg, false));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        OutputStream toOut = showOutput ? System.out : out;
        OutputStream toErr = showOutput ? System.err : err;
        Executor executor = new RegisteringExecutor();
        executor.setStreamHandler(new PumpStreamHandler(toOut, toErr));
        if (directory != null) executor.setWorkingDirectory(directory.toFile());
        TreeWatchdog watchdog = new TreeWatchdog(timeout);
        executor.setWatchdog(watchdog);
        executor.setProcessDestroyer(RUNNING);
        executor.setExitValues(null); // every exit status is a result for the caller to judge
        int status;
        try {
            status = executor.execute(line, environment());
        } catch (IOException e) {
            if (watchdog.timedOut()) throw timedOut();
            throw new HostCommandException("cannot run `" + display() + "`: " + e.getMessage(), false, e);
        }
        if (watchdog.timedOut()) throw timedOut();
        if (status == Executor.INVALID_EXITVALUE) {
            // Commons Exec destroys the program when the waiting thread is interrupted and clears the flag: restore it.
            Thread.currentThread().interrupt();
            throw new HostCommandException("interrupted while running `" + display() + "`; it was stopped", false, null);
        }
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private HostCommandException timedOut() {
        return new HostCommandException("`" + display() + "` did not finish within " + human(timeout)
                + " and was stopped, with its child processes", true, null);
    }

    private Map<String, String> environment() {
        Map<String, String> all = new HashMap<>(System.getenv());
        all.putAll(env);
        return all;
    }

    static String human(Duration d) {
        if (d.toMillis() < 1000) return d.toMillis() + " ms";
        if (d.toSeconds() < 120) return d.toSeconds() + " s";
        if (d.toMinutes() < 120) return d.toMinutes() + " min";
        return d.toHours() + " h";
    }

    /** How a program ended: its exit status and, unless shown, what it printed. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() { return exitCode == 0; }

        /** The last non-blank line of stdout, stripped, or "" (programs print their answer last). */
        public String lastLine() {
            return out.lines().map(String::strip).filter(l -> !l.isEmpty()).reduce((a, b) -> b).orElse("");
        }
    }

    /**
     * Commons Exec's watchdog ends only the program itself; this one ends its children first and remembers that it
     * fired (the program may exit on its own once its children are gone, before the base class looks).
     */
    private static final class TreeWatchdog extends ExecuteWatchdog {
        private Process process;
        private boolean timedOut;

        // ExecuteWatchdog.Builder cannot make a subclass; the deprecated constructor is the one way to extend it.
        @SuppressWarnings("deprecation")
        TreeWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process processToMonitor) {
            this.process = processToMonitor;
            super.start(processToMonitor);
        }

        @Override
        public synchronized void timeoutOccured(Watchdog w) {
            if (process != null && process.isAlive() && isWatching()) {
                timedOut = true;
                // Children first: once the program is gone they are no longer its descendants and cannot be found.
                process.descendants().forEach(ProcessHandle::destroy);
            }
            super.timeoutOccured(w);
        }

        synchronized boolean timedOut() { return timedOut; }
    }

    /** Every program this JVM runs through HostCommand and has not yet seen end; ended by one shutdown hook. */
    private static final Running RUNNING = new Running();

    /**
     * Registers each program at the moment it is started. Commons Exec hands the process to its destroyer only
     * after starting the output pumps, and a JVM that died in that window left the program (and its children)
     * running; here the start and the registration are one step that the shutdown hook waits for.
     */
    private static final class RegisteringExecutor extends DefaultExecutor {
        // The builder cannot make a subclass; the deprecated constructor is the one way to extend the executor.
        @SuppressWarnings("deprecation")
        RegisteringExecutor() {
            super();
        }

        @Override
        protected Process launch(CommandLine command, Map<String, String> env, Path workingDirectory) throws IOException {
            return RUNNING.start(() -> super.launch(command, env, workingDirectory));
        }
    }

    /** Starts a process; the one place a HostCommand program is created. */
    private interface Start {
        Process start() throws IOException;
    }

    /**
     * The running programs and the shutdown hook that ends them with their children, registered once for the
     * JVM. A program is added as it starts (under the same lock the hook takes, so a program being started when
     * the JVM begins to exit is either refused or ended) and removed by Commons Exec when it ends.
     */
    private static final class Running implements ProcessDestroyer {
        private final Set<Process> processes = new LinkedHashSet<>();
        private boolean exiting;

        Running() {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(this::endAll, "evalbox-host-command-destroyer"));
            } catch (IllegalStateException alreadyExiting) {
                exiting = true;
            }
        }

        synchronized Process start(Start start) throws IOException {
            if (exiting) throw new IOException("this JVM is exiting; no program is started any more");
            Process process = start.start();
            processes.add(process);
            return process;
        }

        /** Already added when it started (Commons Exec calls this later, once the output pumps run). */
        @Override
        public boolean add(Process process) { return true; }

        @Override
        public synchronized boolean remove(Process process) { return processes.remove(process); }

        @Override
        public synchronized int size() { return processes.size(); }

        private void endAll() {
            List<Process> left;
            synchronized (this) {
                exiting = true;
                left = new ArrayList<>(processes);
            }
            // Children first: once a program is gone they are no longer its descendants and cannot be found.
            for (Process process : left) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }
        }
    }
}
