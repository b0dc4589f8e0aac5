package dev.evalbox.sandbox;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Optional;

/**
 * Who started a sandbox: "host/pid/start-millis" of a JVM. Backends mark their sandboxes with it
 * (a container label, a work dir's name) so that {@link SandboxProvider#reap()} can tell the
 * sandboxes of a JVM that is gone (killed with -9, crashed) from those of one still running: a pid
 * alone is not enough, since pids are reused.
 */
public final class SandboxOwner {
    private SandboxOwner() { }

    /** This JVM's owner mark. */
    public static String current() {
        ProcessHandle self = ProcessHandle.current();
        long started = self.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
        return hostName() + "/" + self.pid() + "/" + started;
    }

    /**
     * Whether the owner is a JVM of this host that no longer runs. Marks of other hosts, and marks
     * that cannot be read, are never gone: they are not this host's to judge.
     */
    public static boolean isGone(String mark) {
        String[] parts = mark.split("/");
        if (parts.length != 3 || !parts[0].equals(hostName())) return false;
        try {
            long pid = Long.parseLong(parts[1]);
            long started = Long.parseLong(parts[2]);
            Optional<ProcessHandle> process = ProcessHandle.of(pid);
            return process.isEmpty() || !process.get().isAlive()
                    || process.get().info().startInstant().map(Instant::toEpochMilli).map(ms -> Math.abs(ms - started) > 2000).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
