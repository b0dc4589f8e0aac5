package dev.evalbox.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.OptionalLong;
import java.util.Set;

/**
 * How long a process and its descendants have waited for a CPU while runnable, from Linux's
 * {@code /proc/<pid>/task/<tid>/schedstat} (its second field). A sandbox whose cell ignores an interrupt
 * runs or sleeps; one that is starved (a fork bomb beside it, a host loaded many times over) waits
 * here. That is how the grace after a deadline tells the two apart.
 */
final class RunQueueWait {
    private static final int MAX_PROCESSES = 4096;

    private RunQueueWait() { }

    /** The total wait in nanoseconds of every thread of {@code root} and its descendants; empty where /proc does not say. */
    static OptionalLong nanos(long root) {
        long total = 0;
        boolean seen = false;
        Deque<Long> pending = new ArrayDeque<>();
        Set<Long> visited = new HashSet<>();
        pending.add(root);
        while (!pending.isEmpty() && visited.size() < MAX_PROCESSES) {
            long pid = pending.poll();
            if (!visited.add(pid)) continue;
            Path tasks = Path.of("/proc", Long.toString(pid), "task");
            try (var threads = Files.list(tasks)) {
                for (Path thread : threads.toList()) {
                    try {
                        String[] fields = Files.readString(thread.resolve("schedstat")).trim().split("\\s+");
                        total += Long.parseLong(fields[1]);
                        seen = true;
                        for (String child : Files.readString(thread.resolve("children")).trim().split("\\s+")) {
                            if (!child.isEmpty()) pending.add(Long.parseLong(child));
                        }
                    } catch (IOException | RuntimeException gone) {
                        // the thread ended while being read, or the kernel keeps no such counter: skip it
                    }
                }
            } catch (IOException | RuntimeException gone) {
                // the process ended, or this machine's /proc does not show it
            }
        }
        return seen ? OptionalLong.of(total) : OptionalLong.empty();
    }
}
