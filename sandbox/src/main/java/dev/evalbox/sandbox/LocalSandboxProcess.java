package dev.evalbox.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A driver running as a child process of this JVM, in its own temporary work dir. */
final class LocalSandboxProcess implements SandboxProcess {
    private final Process process;
    private final Path workDir;
    private final OutputStream stdin;

    private LocalSandboxProcess(Process process, Path workDir) {
        this.process = process;
        this.workDir = workDir;
        this.stdin = process.getOutputStream();
    }

    static LocalSandboxProcess start(String python, SandboxSpec spec) {
        Path workDir;
        try {
            workDir = Files.createTempDirectory("evalbox-sandbox-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work dir for a local sandbox", e);
        }
        linkMounts(spec, workDir);
        ProcessBuilder builder = new ProcessBuilder(List.of(python, "-u", "-c", DriverSource.text()))
                .directory(workDir.toFile());
        Map<String, String> env = builder.environment();
        Path cache = workDir.resolve(".cache");
        env.put("MPLCONFIGDIR", cache.resolve("matplotlib").toString());
        env.put("IPYTHONDIR", cache.resolve("ipython").toString());
        env.put("PYTHONDONTWRITEBYTECODE", "1");
        env.put("PYTHONIOENCODING", "utf-8");
        env.put("EVALBOX_DRIVER_MODE", spec.driverMode().name().toLowerCase());
        env.putAll(spec.env());
        try {
            return new LocalSandboxProcess(builder.start(), workDir);
        } catch (IOException e) {
            deleteTree(workDir);
            throw new SandboxException("cannot start " + python + " for a local sandbox: " + e.getMessage()
                    + " (install Python 3, or pass the interpreter with --python)", e);
        }
    }

    /** The local backend has no mount namespace: mounts become symbolic links inside the work dir. */
    private static void linkMounts(SandboxSpec spec, Path workDir) {
        for (SandboxSpec.Mount mount : spec.mounts()) {
            if (mount.sandboxPath().startsWith("/")) {
                deleteTree(workDir);
                throw new SandboxException("the local backend can only place mounts under its work dir, not at "
                        + mount.sandboxPath() + " (use a relative sandbox path)");
            }
            try {
                Path link = workDir.resolve(mount.sandboxPath()).normalize();
                if (!link.startsWith(workDir)) throw new SandboxException("mount path " + mount.sandboxPath() + " leaves the work dir");
                Files.createDirectories(link.getParent());
                Files.createSymbolicLink(link, mount.hostPath());
            } catch (IOException e) {
                deleteTree(workDir);
                throw new SandboxException("cannot link " + mount.hostPath() + " into the local sandbox: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public String id() { return "local-" + process.pid(); }

    @Override
    public void connect(ProtocolSink sink) {
        Thread out = new Thread(() -> pump(process.getInputStream(), sink, false), "sandbox-" + process.pid() + "-out");
        Thread err = new Thread(() -> pump(process.getErrorStream(), sink, true), "sandbox-" + process.pid() + "-err");
        out.setDaemon(true);
        err.setDaemon(true);
        out.start();
        err.start();
    }

    private void pump(InputStream in, ProtocolSink sink, boolean isStderr) {
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
            ExitInfo exit = awaitExit(Duration.ofSeconds(2));
            sink.onEnd(failure != null ? failure : new IOException("the interpreter " + (exit == null ? "closed its output" : exit.describe())));
        }
    }

    @Override
    public void write(byte[] bytes) throws IOException {
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
        try (Stream<ProcessHandle> children = process.descendants()) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        deleteTree(workDir);
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp dir is harmless; never fail a close over it.
        }
    }
}
