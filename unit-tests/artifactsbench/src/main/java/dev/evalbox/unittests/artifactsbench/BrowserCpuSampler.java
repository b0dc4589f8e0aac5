package dev.evalbox.unittests.artifactsbench;

import dev.evalbox.unittests.bench.ProcessCpu;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where the CPU time of this JVM's browsers goes, by kind of process (the browser process, renderers, the GPU process,
 * each kind of utility process, the zygotes, the crash handler, the isolation wrapper; Playwright's driver apart), for
 * {@code evalbox bench artifacts-render}. A thread looks at /proc every {@code period} and keeps, for each descendant of
 * this JVM, the last CPU time it saw; the kernel's exact count per browser ({@link ArtifactRenderer#browserCpuSeconds})
 * is the total, and what a process used after it was last seen (it ended between two looks) is the part this cannot
 * place, which the bench prints as such. Reading only the processes it has not ruled out keeps it cheap (a few dozen
 * small reads a look); it runs in this JVM, so its own cost is in the bench's "all" figure, both ways alike.
 */
public final class BrowserCpuSampler implements AutoCloseable {
    /** The kind of Playwright's driver process (not one of Chromium's). */
    public static final String DRIVER = "playwright driver";
    private static final String WRAPPER = "isolation wrapper";
    /** The kind of a process that is none of Chromium's, the wrapper's or the driver's. */
    public static final String OTHER = "other";
    private static final String BROWSER = "browser";
    // kinds a process may still leave: the wrapper's setpriv becomes the browser by exec, a process the browser forks carries
    // the browser's command line until it execs itself as a utility or GPU process, and a zygote's child the zygote's until it
    // renames itself (a renderer, say)
    private static final Set<String> PROVISIONAL = Set.of(BROWSER, "zygote", WRAPPER, OTHER);

    private final long period;
    private final long self = ProcessHandle.current().pid();
    private final double ticksPerSecond;
    private final Thread thread;
    // guarded by this: the last CPU ticks seen per process (pid and start time), and each one's kind
    private final Map<String, Long> ticks = new HashMap<>();
    private final Map<String, String> kinds = new HashMap<>();
    // only the sampling thread touches these
    private final Set<Long> unrelated = new HashSet<>();
    private final Map<Long, String> known = new HashMap<>();
    private volatile boolean stop;

    private BrowserCpuSampler(long periodMillis, double ticksPerSecond) {
        this.period = periodMillis;
        this.ticksPerSecond = ticksPerSecond;
        this.thread = new Thread(this::run, "evalbox-cpu-sampler");
        thread.setDaemon(true);
    }

    /** Starts looking every {@code periodMillis} ms. */
    public static BrowserCpuSampler start(long periodMillis) {
        BrowserCpuSampler sampler = new BrowserCpuSampler(periodMillis, ProcessCpu.ticksPerSecond());
        sampler.sample();
        sampler.thread.start();
        return sampler;
    }

    /** CPU seconds seen so far by kind of process (Chromium's kinds and {@link #DRIVER}). */
    public synchronized Map<String, Double> secondsByKind() {
        Map<String, Double> out = new TreeMap<>();
        ticks.forEach((process, t) -> out.merge(kinds.get(process), t / ticksPerSecond, Double::sum));
        return out;
    }

    private void run() {
        while (!stop) {
            try {
                Thread.sleep(period);
            } catch (InterruptedException e) {
                return;
            }
            sample();
        }
    }

    private void sample() {
        Map<Long, Long> parents = new HashMap<>();
        Map<Long, String[]> stats = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (unrelated.contains(pid)) continue;
                try {
                    String stat = Files.readString(proc.resolve("stat"));
                    // the fields after the command name's last ')' are fixed: state, ppid, ... utime (14), stime (15), starttime (22)
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    parents.put(pid, Long.parseLong(f[1]));
                    stats.put(pid, f);
                } catch (IOException | RuntimeException gone) {
                    // ended while the list was read
                }
            }
        } catch (IOException e) {
            return;
        }
        Set<Long> ours = new HashSet<>();
        for (long pid : parents.keySet()) {
            long p = pid;
            for (int depth = 0; depth < 64 && p > 1 && p != self; depth++) p = parents.getOrDefault(p, 0L);
            if (p == self && pid != self) ours.add(pid);
            // a process that is not ours now never becomes ours (a parent does not change to this JVM's descendant)
            else if (pid != self) unrelated.add(pid);
        }
        synchronized (this) {
            for (long pid : ours) {
                String[] f = stats.get(pid);
                String id = pid + "@" + f[19];
                String kind = known.get(pid);
                if (kind == null) {
                    kind = kind(pid);
                    // a process is looked at again until it shows what it is for good
                    if (kind != null && !PROVISIONAL.contains(kind)) known.put(pid, kind);
                }
                // (an ended process not yet waited for shows no command line: it stays what it was)
                if (kind != null) kinds.put(id, kind);
                else kinds.putIfAbsent(id, OTHER);
                ticks.put(id, Long.parseLong(f[11]) + Long.parseLong(f[12]));
            }
        }
        known.keySet().retainAll(parents.keySet());
    }

    /**
     * The kind of process: Chromium's {@code --type} (and utility sub-type), "browser" without one, or the wrapper or driver;
     * null when its command line is empty (it has ended).
     */
    private static String kind(long pid) {
        String cmdline;
        try {
            cmdline = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8).replace('\0', ' ');
        } catch (IOException e) {
            return null;
        }
        if (cmdline.isBlank()) return null;
        String first = cmdline.split(" ", 2)[0];
        if (first.endsWith("chrome_crashpad_handler")) return "crashpad handler";
        if (first.contains("chromium") || first.contains("chrome")) {
            String type = flag(cmdline, "--type=");
            if (type == null) return BROWSER;
            if (type.equals("utility")) {
                String sub = flag(cmdline, "--utility-sub-type=");
                return "utility " + (sub == null ? "?" : sub.replaceFirst("\\.mojom\\..*", ""));
            }
            return type;
        }
        if (first.endsWith("sh") || first.endsWith("unshare") || first.endsWith("setpriv")) return WRAPPER;
        if (first.endsWith("/node")) return DRIVER;
        return OTHER;
    }

    private static String flag(String cmdline, String name) {
        int at = cmdline.indexOf(name);
        if (at < 0) return null;
        int end = cmdline.indexOf(' ', at);
        return cmdline.substring(at + name.length(), end < 0 ? cmdline.length() : end);
    }

    /** Stops looking (after one last look). */
    @Override
    public void close() {
        stop = true;
        thread.interrupt();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }
}
