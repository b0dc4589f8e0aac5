package dev.evalbox.sandboxtest;

import dev.evalbox.sandbox.DriverSandbox;
import dev.evalbox.sandbox.DriverSource;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxLimits;
import dev.evalbox.sandbox.SandboxOwner;
import dev.evalbox.sandbox.SandboxProcess;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A backend written the way a third party writes one, outside the sandbox package and with its
 * public API only: a plain {@link ProcessBuilder} child per session, in a work dir named for its
 * owner. It proves the seam is enough (the provider contract runs against it), and is found with
 * ServiceLoader through src/test/providers (this module's tests only); its priority is below the local backend's, so
 * "auto" never picks it.
 */
public final class SubprocessSandboxProvider implements SandboxProvider {
    private static final String PREFIX = "evalbox-subprocess-";

    @Override public String name() { return "subprocess"; }
    @Override public int priority() { return -10; }
    @Override public boolean isolated() { return false; }
    @Override public Set<SandboxLimits.Limit> enforces() { return EnumSet.of(SandboxLimits.Limit.TIME); }

    @Override
    public Availability available(SandboxSpec spec) {
        return Files.isExecutable(Path.of(python(spec))) ? Availability.yes() : Availability.no("no " + python(spec));
    }

    @Override
    public Sandbox open(SandboxSpec spec) {
        return new DriverSandbox(name(), spec, () -> Child.start(spec));
    }

    @Override
    public int reap() {
        int reaped = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(tmp(), PREFIX + "*")) {
            for (Path dir : dirs) {
                String[] owner = dir.getFileName().toString().substring(PREFIX.length()).split("_");
                if (owner.length != 4 || !SandboxOwner.isGone(owner[0] + "/" + owner[1] + "/" + owner[2])) continue;
                delete(dir); // its driver ended with its JVM: stdin closed, the driver exits
                reaped++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return reaped;
    }

    private static String python(SandboxSpec spec) {
        return "python3".equals(spec.pythonExecutable()) ? "/usr/bin/python3" : spec.pythonExecutable();
    }

    private static Path tmp() { return Path.of(System.getProperty("java.io.tmpdir")); }

    private static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // best effort, as any temp dir
        }
    }

    /** One driver as a plain child process. */
    private static final class Child implements SandboxProcess {
        private final Process process;
        private final Path workDir;

        private Child(Process process, Path workDir) {
            this.process = process;
            this.workDir = workDir;
        }

        static Child start(SandboxSpec spec) {
            try {
                Path workDir = Files.createDirectory(tmp().resolve(PREFIX + SandboxOwner.current().replace('/', '_') + "_"
                        + UUID.randomUUID().toString().substring(0, 8)));
                List<String> command = new ArrayList<>(DriverSource.command(spec));
                command.set(0, python(spec));
                ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
                builder.environment().putAll(DriverSource.environment(spec, DriverSource.ProcessScope.DESCENDANTS));
                builder.environment().put("MPLCONFIGDIR", workDir.resolve(".cache").toString());
                builder.environment().putAll(spec.env());
                return new Child(builder.start(), workDir);
            } catch (IOException e) {
                throw new SandboxException("cannot start a subprocess sandbox: " + e.getMessage(), e);
            }
        }

        @Override public String id() { return "sub-" + process.pid(); }

        @Override
        public void connect(ProtocolSink sink) {
            pump(process.getErrorStream(), sink, true);
            pump(process.getInputStream(), sink, false);
        }

        private void pump(InputStream in, ProtocolSink sink, boolean stderr) {
            Thread thread = new Thread(() -> {
                byte[] buffer = new byte[65536];
                try {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        if (stderr) sink.onStderr(buffer, 0, n); else sink.onStdout(buffer, 0, n);
                    }
                } catch (IOException e) {
                    // the process ended; said below
                }
                if (!stderr) {
                    ExitInfo exit = awaitExit(Duration.ofSeconds(2));
                    sink.onEnd(new IOException(exit == null ? "the driver closed its output" : "the driver " + exit.describe()));
                }
            }, "subprocess-sandbox-" + (stderr ? "err" : "out"));
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void write(byte[] bytes) throws IOException {
            process.getOutputStream().write(bytes);
            process.getOutputStream().flush();
        }

        @Override
        public ExitInfo awaitExit(Duration timeout) {
            try {
                return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? new ExitInfo(process.exitValue(), false) : null;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }

        @Override
        public void destroy() {
            try (Stream<ProcessHandle> children = process.descendants()) {
                children.forEach(ProcessHandle::destroyForcibly);
            }
            process.destroyForcibly();
            awaitExit(Duration.ofSeconds(10));
            delete(workDir);
        }
    }
}
