package dev.evalbox.unittests.artifactsbench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where and as whom the browser that renders model-written pages runs: in a network namespace of its own
 * (no interface but a loopback that stays down, so no page reaches any listener by any web API) and, when
 * evalbox runs as root, as the unprivileged user {@value #USER} (else {@code nobody}) with Chromium's own
 * sandbox on; without root, in a user namespace that maps the user to itself. Playwright starts a small
 * wrapper (the resource {@code isolated-chromium.sh}) in place of Chromium, which does this and then execs
 * Chromium with Playwright's arguments. Resource: a private directory holding the wrapper and the browser's pid,
 * removed by {@link #close}. (Playwright makes each browser's profile in its driver's temporary directory, which the
 * wrapper hands to the browser user; the driver is shared by every renderer of the JVM, so that is not this directory.)
 */
public final class BrowserIsolation implements AutoCloseable {
    /** The system user the browser runs as when evalbox runs as root (scripts/ensure-chromium.sh creates it). */
    public static final String USER = "evalbox-browser";
    private static final String FALLBACK_USER = "nobody";
    // one time of the shell's `times`: minutes and seconds
    private static final Pattern TIMES = Pattern.compile("(\\d+)m([\\d.]+)s");

    private final Path chromium;
    private final Path dir;
    private final Path wrapper;
    private final Path pidFile;
    private final String user;

    private BrowserIsolation(Path chromium, Path dir, String user) {
        this.chromium = chromium;
        this.dir = dir;
        this.wrapper = dir.resolve("isolated-chromium.sh");
        this.pidFile = dir.resolve("browser.pid");
        this.user = user;
    }

    /**
     * Checks that this machine can isolate the browser and writes the wrapper into a private directory.
     * Fails with what is missing and what to do: evalbox never falls back to a browser with network or without its sandbox.
     */
    public static BrowserIsolation prepare(Path chromium) {
        for (String tool : List.of("unshare", "setpriv", "id", "chown")) {
            if (onPath(tool) == null) {
                throw new IllegalStateException("the browser that renders pages runs in a network namespace of its own, which needs " + tool
                        + " (util-linux; Linux only): install it (apt-get install util-linux) and run again");
            }
        }
        String user = null;
        if (isRoot()) {
            user = userExists(USER) ? USER : FALLBACK_USER;
            if (!userExists(user)) {
                throw new IllegalStateException("evalbox runs as root, so Chromium must run as an unprivileged user, but neither " + USER
                        + " nor " + FALLBACK_USER + " exists: run scripts/ensure-chromium.sh (it creates " + USER + ")");
            }
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("evalbox-browser-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            BrowserIsolation isolation = new BrowserIsolation(chromium, dir, user);
            try (InputStream in = BrowserIsolation.class.getResourceAsStream("isolated-chromium.sh")) {
                if (in == null) throw new IllegalStateException("isolated-chromium.sh is missing from evalbox's class path");
                Files.write(isolation.wrapper, in.readAllBytes());
            }
            Files.setPosixFilePermissions(isolation.wrapper, PosixFilePermissions.fromString("rwx------"));
            return isolation;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the browser's private directory", e);
        }
    }

    /**
     * What keeps this machine from isolating the browser, with what to do, or empty when it can: the tools, the user
     * (as root), and namespaces tried for real, including the user namespace Chromium's own sandbox makes inside
     * them (which some systems forbid to unprivileged users). For {@code evalbox doctor}.
     */
    public static Optional<String> problem() {
        for (String tool : List.of("unshare", "setpriv", "id", "chown")) {
            if (onPath(tool) == null) return Optional.of(tool + " is missing: apt-get install util-linux (Linux only)");
        }
        List<String> probe;
        if (isRoot()) {
            String user = userExists(USER) ? USER : FALLBACK_USER;
            if (!userExists(user)) return Optional.of("no user to run Chromium as: scripts/setup.sh chromium creates " + USER);
            probe = List.of("unshare", "--net", "--ipc", "--pid", "--fork", "--", "setpriv", "--reuid=" + user, "--regid=" + user,
                    "--clear-groups", "--no-new-privs", "--", "unshare", "--user", "--map-root-user", "true");
        } else {
            probe = List.of("unshare", "--user", "--map-current-user", "--net", "--ipc", "--pid", "--fork", "--", "unshare", "--user",
                    "--map-root-user", "true");
        }
        try {
            Process process = new ProcessBuilder(probe).redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (process.waitFor() != 0) {
                return Optional.of("cannot make the browser's namespaces (" + out + "): unprivileged user namespaces must be allowed"
                        + " (sysctl user.max_user_namespaces > 0; on Ubuntu, kernel.apparmor_restrict_unprivileged_userns=0)");
            }
        } catch (IOException e) {
            return Optional.of("cannot run unshare: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
        return Optional.empty();
    }

    /** Whom Chromium runs as here: {@value #USER} (or nobody without it) when evalbox is root, else evalbox's own user. */
    public static String plannedUser() {
        if (!isRoot()) return System.getProperty("user.name");
        return userExists(USER) ? USER : FALLBACK_USER;
    }

    /** What Playwright starts as the browser: the wrapper. */
    public Path executable() {
        return wrapper;
    }

    /**
     * The whole environment the browser starts with: none of evalbox's own (no API keys, no proxy settings), only
     * what Chromium needs and what the wrapper reads.
     */
    public Map<String, String> browserEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        for (String kept : List.of("LANG", "LC_ALL", "TZ", "FONTCONFIG_FILE")) {
            String value = System.getenv(kept);
            if (value != null) env.put(kept, value);
        }
        env.putIfAbsent("LANG", "C.UTF-8");
        env.put("EVALBOX_CHROMIUM", chromium.toAbsolutePath().toString());
        env.put("EVALBOX_BROWSER_PIDFILE", pidFile.toString());
        if (user != null) env.put("EVALBOX_BROWSER_USER", user);
        return env;
    }

    /** The user Chromium runs as when evalbox is root, or empty when evalbox is not root (it then runs as evalbox's user). */
    public String user() {
        return user == null ? "" : user;
    }

    /**
     * The process id of the browser launched last: its browser process, the child of the wrapper's unshare (which waits
     * for it, as the parent of its PID namespace); renderers and the GPU process are its descendants.
     */
    public OptionalLong browserPid() {
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            // the wrapper's shell, then unshare, then (in the new PID namespace) the browser
            for (int depth = 0; depth < 2; depth++) {
                String children = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children")).trim();
                if (children.isEmpty()) return OptionalLong.empty();
                pid = Long.parseLong(children.split(" ")[0]);
            }
            return OptionalLong.of(pid);
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * The CPU time (user and system, in seconds) of the browsers that have exited since the last call: each browser's
     * wrapper writes down what the kernel counted to the browser once it has ended, which leaves out the processes its
     * PID namespace's end killed (see {@link ArtifactRenderer#browserCpuSeconds}).
     */
    public double takeExitedCpuSeconds() {
        double seconds = 0;
        if (!Files.isDirectory(dir)) return 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("cpu\\.\\d+")).toList()) {
                // `times`: this shell's own times, then its children's
                List<String> lines = Files.readAllLines(file);
                if (lines.size() == 2) seconds += cpuSeconds(lines.get(1));
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the browsers' CPU times in " + dir, e);
        }
        return seconds;
    }

    /** The seconds of a `times` line, "0m1.230000s 0m0.450000s" (user, system). */
    static double cpuSeconds(String line) {
        double total = 0;
        for (String part : line.trim().split("\\s+")) {
            Matcher m = TIMES.matcher(part);
            if (m.matches()) total += Integer.parseInt(m.group(1)) * 60 + Double.parseDouble(m.group(2));
        }
        return total;
    }

    /** One line for logs and docs: how the browser is isolated here. */
    public String describe() {
        return "Chromium sandbox on, network and PID namespaces of its own (loopback only, down), "
                + (user == null ? "as " + System.getProperty("user.name") + " in a user namespace" : "as the unprivileged user " + user);
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return line.split("\\s+")[2].equals("0");
            }
        } catch (IOException e) {
            // not Linux: unshare is missing there too, which prepare reports
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static boolean userExists(String name) {
        try {
            Process id = new ProcessBuilder("id", "-u", name).redirectErrorStream(true).start();
            id.getInputStream().readAllBytes();
            return id.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Path onPath(String tool) {
        for (String d : List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    @Override
    public void close() {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a profile Playwright is still removing; the rest is in the system's temporary directory
        }
    }

    @Override
    public String toString() {
        return describe() + " (" + wrapper + ")";
    }
}
