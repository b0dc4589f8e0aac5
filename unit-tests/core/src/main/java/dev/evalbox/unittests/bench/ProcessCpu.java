package dev.evalbox.unittests.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This JVM's CPU time from /proc/self/stat, in seconds: its own (user and system) and that of its children
 * that have exited and been waited for (each Playwright driver, and through it the browsers it launched).
 */
public record ProcessCpu(double self, double children) {
    private static final double TICKS_PER_SECOND = ticksPerSecond();

    public static ProcessCpu now() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the fields after the command name's closing parenthesis, from the state (field 3): utime is field 14
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new ProcessCpu((Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
                    (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/stat (CPU accounting needs Linux)", e);
        }
    }

    public ProcessCpu minus(ProcessCpu before) {
        return new ProcessCpu(self - before.self, children - before.children);
    }

    /** The kernel's clock ticks per second for /proc times (USER_HZ), 100 on every common Linux. */
    public static double ticksPerSecond() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(getconf.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return getconf.waitFor() == 0 ? Double.parseDouble(out) : 100;
        } catch (IOException | NumberFormatException e) {
            return 100;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
