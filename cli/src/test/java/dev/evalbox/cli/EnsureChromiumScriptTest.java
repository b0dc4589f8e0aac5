package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/ensure-chromium.sh, which `./evalbox demo` runs (through setup.sh) to install Chromium the
 * way it installs Docker. Each branch is taken on this machine without touching its Chromium:
 * EVALBOX_CHROMIUM points the script at a path of the test's, PATH holds only what the branch
 * needs, and where the script would install, an apt-get of the test's records what it was asked
 * (the real apt-get cannot run here without uninstalling Chromium from a shared machine).
 */
class EnsureChromiumScriptTest {
    private static final Path SCRIPT = Path.of("../scripts/ensure-chromium.sh").toAbsolutePath().normalize();
    private static final String INSTALL = "install -y -qq --no-install-recommends chromium chromium-headless-shell fonts-noto-cjk";
    private static final String INSTALL_SHELL = "install -y -qq --no-install-recommends chromium-headless-shell";

    record Result(int exitCode, String err) { }

    /**
     * Runs the script with only PATH, EVALBOX_CHROMIUM, EVALBOX_HEADLESS_SHELL (chromium's path with "-headless-shell" added) and
     * HOME set; as user nobody when {@code asNobody} (needs root).
     */
    private static Result run(Path chromium, Path pathDir, boolean asNobody) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        if (asNobody) command.addAll(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        command.addAll(List.of("/bin/bash", SCRIPT.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        builder.environment().putAll(Map.of("PATH", pathDir.toString(), "EVALBOX_CHROMIUM", chromium.toString(),
                "EVALBOX_HEADLESS_SHELL", shell(chromium).toString(), "HOME", "/"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "the script ended");
        return new Result(process.exitValue(), out);
    }

    /**
     * An apt-get that appends each call (and DEBIAN_FRONTEND) to calls.log; "install" fails until
     * "update" ran (a fresh machine's empty package lists) and then, when {@code provides}, creates
     * the executable the script checks for.
     */
    private static Path fakeAptGet(Path dir, Path chromium, boolean provides) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path aptGet = bin.resolve("apt-get");
        Files.writeString(aptGet, "#!/bin/bash\n"
                + "echo \"$DEBIAN_FRONTEND $*\" >> '" + dir.resolve("calls.log") + "'\n"
                + "if [ \"$1\" = update ]; then : > '" + dir.resolve("updated") + "'; exit 0; fi\n"
                + "[ -e '" + dir.resolve("updated") + "' ] || exit 100\n"
                + (provides ? "printf '#!/bin/sh\\n' > '" + chromium + "'; /bin/chmod 755 '" + chromium + "'\n" : ""));
        Files.setPosixFilePermissions(aptGet, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(bin, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    private static Path shell(Path chromium) {
        return chromium.resolveSibling(chromium.getFileName() + "-headless-shell");
    }

    private static void executable(Path file) throws IOException {
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static List<String> calls(Path dir) throws IOException {
        Path log = dir.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    private static boolean root() throws IOException, InterruptedException {
        Process id = new ProcessBuilder("id", "-u").start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        id.waitFor();
        return "0".equals(uid);
    }

    @Test
    void anInstalledChromiumIsLeftAlone(@TempDir Path dir) throws Exception {
        Path chromium = dir.resolve("chromium");
        Path bin = fakeAptGet(dir, chromium, true);
        executable(chromium);
        executable(shell(chromium));
        Result result = run(chromium, bin, false);
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.err().contains("Chromium is installed (" + chromium + ")"), result.err());
        assertEquals(List.of(), calls(dir), "nothing installed");
    }

    @Test
    void withoutAptGetItSaysWhatIsMissingAndExits3(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Result result = run(dir.resolve("chromium"), empty, false);
        assertEquals(3, result.exitCode(), result.err());
        assertTrue(result.err().contains("Chromium is missing (" + dir.resolve("chromium") + ") and there is no apt-get"), result.err());
    }

    @Test
    void withoutRootItSaysWhatToRunAndExits3(@TempDir Path dir) throws Exception {
        Path chromium = dir.resolve("chromium");
        Path bin = fakeAptGet(dir, chromium, true);
        // As root the test becomes nobody; otherwise it is not root already, and PATH holds no sudo.
        Result result = run(chromium, bin, root());
        assertEquals(3, result.exitCode(), result.err());
        assertTrue(result.err().contains("installing it needs root: run 'apt-get install chromium chromium-headless-shell fonts-noto-cjk' as root"),
                result.err());
        assertEquals(List.of(), calls(dir), "apt-get was not run");
        assertFalse(Files.exists(chromium));
    }

    /** The install branch: as root (the test's user), with the test's apt-get; {@code provides}: whether it creates the executable. */
    private static Result installAsRoot(Path dir, boolean provides) throws Exception {
        assumeTrue(root(), "the install branch runs apt-get as root; this test runs as another user");
        return run(dir.resolve("chromium"), fakeAptGet(dir, dir.resolve("chromium"), provides), false);
    }

    @Test
    void asRootItInstallsUpdatingThePackageListsWhenTheFirstTryFails(@TempDir Path dir) throws Exception {
        Result result = installAsRoot(dir, true);
        Path chromium = dir.resolve("chromium");
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("noninteractive " + INSTALL, "noninteractive update -qq", "noninteractive " + INSTALL), calls(dir));
        assertTrue(Files.isExecutable(chromium));
        assertTrue(result.err().contains("Chromium is installed (" + chromium + ")"), result.err());
    }

    @Test
    void asRootItMakesTheUserChromiumRunsAsAndLeavesItAloneAfterwards(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "the browser user is made by root");
        Path chromium = dir.resolve("chromium");
        executable(chromium);
        executable(shell(chromium));
        // the machine's own id and useradd (the user is what setup makes on this machine anyway); the test's apt-get first
        Path bin = fakeAptGet(dir, chromium, true);
        Path path = Path.of(bin + ":/usr/sbin:/usr/bin:/sbin:/bin");
        for (int run = 0; run < 2; run++) {
            Result result = run(chromium, path, false);
            assertEquals(0, result.exitCode(), result.err());
            assertFalse(result.err().contains("failed"), result.err());
        }
        Process id = new ProcessBuilder("getent", "passwd", "evalbox-browser").start();
        String entry = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, id.waitFor(), "the user exists");
        String[] fields = entry.split(":");
        assertTrue(Integer.parseInt(fields[2]) > 0 && Integer.parseInt(fields[2]) < 1000, "a system user: " + entry);
        assertEquals("/usr/sbin/nologin", fields[6], "no login shell: " + entry);
        assertEquals(List.of(), calls(dir), "nothing installed");
    }

    @Test
    void nextToAnInstalledChromiumTheHeadlessShellIsInstalledAndItsFailureOnlySaid(@TempDir Path dir) throws Exception {
        assumeTrue(root(), "the install branch runs apt-get as root; this test runs as another user");
        Path chromium = dir.resolve("chromium");
        executable(chromium);
        // the test's apt-get fails an install before an update and creates no headless shell: both tries are made, and the run still succeeds
        Result result = run(chromium, fakeAptGet(dir, chromium, false), false);
        assertEquals(0, result.exitCode(), result.err());
        assertEquals(List.of("noninteractive " + INSTALL_SHELL, "noninteractive update -qq", "noninteractive " + INSTALL_SHELL), calls(dir));
        assertTrue(result.err().contains("but " + shell(chromium) + " is missing: evalbox renders in Chromium meanwhile"), result.err());
    }

    @Test
    void withoutRootAMissingHeadlessShellIsOnlySaid(@TempDir Path dir) throws Exception {
        Path chromium = dir.resolve("chromium");
        executable(chromium);
        Path bin = fakeAptGet(dir, chromium, true);
        Result result = run(chromium, bin, root());
        assertEquals(0, result.exitCode(), result.err());
        assertTrue(result.err().contains("'apt-get install chromium-headless-shell' as root"), result.err());
        assertEquals(List.of(), calls(dir), "apt-get was not run");
    }

    @Test
    void anInstallThatLeavesNoChromiumIsAnError(@TempDir Path dir) throws Exception {
        Result result = installAsRoot(dir, false);
        assertEquals(4, result.exitCode(), result.err());
        assertTrue(result.err().contains("but " + dir.resolve("chromium") + " is still missing"), result.err());
    }
}
