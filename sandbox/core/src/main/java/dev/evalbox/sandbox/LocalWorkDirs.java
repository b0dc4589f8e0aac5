package dev.evalbox.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local backend's work dirs: {@code evalbox-sandbox-<pid>-<start-millis>-<random>} in the
 * temporary directory, so that the owner JVM of one left behind (the JVM was killed with -9) can be
 * told, and what is left of its sandbox (the directory, a process still working in it) removed.
 */
final class LocalWorkDirs {
    private static final String PREFIX = "evalbox-sandbox-";
    private static final Pattern NAME = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-(\\d+)-[0-9a-f]{8}");

    private LocalWorkDirs() { }

    static Path create() {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        String name = PREFIX + self.pid() + "-" + started + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            return Files.createDirectory(root().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a work dir for a local sandbox in " + root(), e);
        }
    }

    /** Removes the work dirs whose owner JVM is gone, ending the processes still working in them; returns how many. */
    static int reap() {
        int reaped = 0;
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root(), PREFIX + "*")) {
            for (Path dir : dirs) {
                Matcher m = NAME.matcher(dir.getFileName().toString());
                if (!m.matches()) continue; // an older evalbox's dir: its owner cannot be told
                if (!SandboxOwner.isGone(SandboxOwner.hostName() + "/" + m.group(1) + "/" + m.group(2))) continue;
                killProcessesIn(dir);
                delete(dir);
                reaped++;
            }
        } catch (IOException e) {
            throw new SandboxException("cannot list " + root() + " for local sandboxes left behind: " + e.getMessage(), e);
        }
        return reaped;
    }

    /** Processes of this user whose working directory is in {@code dir} (a driver, what its cells started). */
    private static void killProcessesIn(Path dir) {
        List<ProcessHandle> inside;
        try (Stream<ProcessHandle> all = ProcessHandle.allProcesses()) {
            inside = all.filter(p -> cwdOf(p).map(cwd -> cwd.startsWith(dir)).orElse(false)).toList();
        }
        inside.forEach(ProcessHandle::destroyForcibly);
    }

    private static java.util.Optional<Path> cwdOf(ProcessHandle process) {
        try {
            return java.util.Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd")));
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return java.util.Optional.empty(); // gone, another user's, or no /proc
        }
    }

    static void delete(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // A leftover temp dir is harmless; never fail a close over it.
        }
    }

    private static Path root() { return Path.of(System.getProperty("java.io.tmpdir")); }
}
