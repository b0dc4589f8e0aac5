package dev.evalbox.unittests.artifactsbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.unittests.report.ChromiumRequired;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The browser that renders model-written pages, read from /proc while it renders: who owns each of its
 * processes, that none runs without Chromium's sandbox, that it has no network of its own, and that none
 * outlives it; host files out of a page's reach; and the wrapper's way without root.
 */
@Tag("chromium")
class BrowserIsolationTest {
    private static final ArtifactRenderer.Settings QUICK = new ArtifactRenderer.Settings(ArtifactRenderer.Settings.defaultBrowser(), 400, 300, 3,
            Duration.ofMillis(200), Duration.ofSeconds(30), 2);

    @BeforeAll
    static void chromium() {
        ChromiumRequired.check();
    }

    private static long uidOf(String user) throws Exception {
        Process id = new ProcessBuilder("id", "-u", user).start();
        String out = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, id.waitFor(), "id -u " + user);
        return Long.parseLong(out);
    }

    @Test
    void everyBrowserProcessIsUnprivilegedSandboxedAndWithoutNetwork(@TempDir Path dir) throws Exception {
        List<BrowserProcesses> seen = new ArrayList<>();
        ArtifactRenderer closed;
        List<ArtifactRenderer.Job> jobs = new ArrayList<>(List.of(new ArtifactRenderer.Job("<html><body><h1>first</h1></body></html>", dir, "first")));
        try (ArtifactRenderer renderer = new ArtifactRenderer(QUICK)) {
            // asked for a second page right after the first was opened (its navigation committed): its renderer is up now
            renderer.renderAll(() -> {
                if (!jobs.isEmpty()) return jobs.remove(0);
                if (seen.isEmpty()) {
                    try {
                        seen.add(BrowserProcesses.of(renderer.browserPid().orElseThrow()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return null;
            }, (job, rendering) -> assertTrue(rendering.ok(), rendering.toString()));
            String isolation = renderer.isolation();
            assertTrue(isolation.contains("sandbox on"), isolation);
            closed = renderer;
        }
        // what all of the closed browser's processes used, from the kernel's accounting of its PID namespace
        assertTrue(closed.browserCpuSeconds() > 0, "the browser's CPU time was counted: " + closed.browserCpuSeconds());
        BrowserProcesses processes = seen.get(0);
        BrowserProcesses.Proc browser = processes.all().get(0);
        // the browser's PID namespace is its own, so nothing it started (the crash handler detaches itself) outlives it
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(), browser.pidNamespace(), browser.toString());
        assertEquals(0, BrowserProcesses.inPidNamespace(browser.pidNamespace()), "no process of the closed browser is left");
        assertTrue(browser.cmdline().contains("chromium") && browser.cmdline().contains("--remote-debugging-pipe"), browser.toString());
        assertTrue(processes.all().stream().anyMatch(BrowserProcesses.Proc::renderer), "a renderer is running: " + processes);

        long expectedUid = BrowserIsolation.isRoot() ? uidOf(BrowserIsolation.USER) : uidOf(System.getProperty("user.name"));
        String ownNet = Files.readSymbolicLink(Path.of("/proc/self/ns/net")).toString();
        for (BrowserProcesses.Proc p : processes.all()) {
            assertFalse(p.uids().contains(0L), "no browser process runs as root: " + p);
            assertEquals(List.of(expectedUid, expectedUid, expectedUid, expectedUid), p.uids(), p.toString());
            assertFalse(p.cmdline().contains("--no-sandbox"), p.toString());
            // (Chromium's second zygote, "--no-zygote-sandbox", starts the processes that are never sandboxed, as on any desktop)
            assertFalse(p.cmdline().contains("--disable-setuid-sandbox") || p.cmdline().contains("--disable-seccomp-filter-sandbox"), p.toString());
            assertNotEquals(ownNet, p.netNamespace(), "no browser process shares evalbox's network: " + p);
            if (BrowserIsolation.isRoot()) assertEquals("1", p.noNewPrivs(), "no process can gain privileges: " + p);
        }
        for (BrowserProcesses.Proc renderer : processes.all().stream().filter(BrowserProcesses.Proc::renderer).toList()) {
            assertEquals("2", renderer.seccomp(), "the renderer runs under Chromium's seccomp-bpf sandbox: " + renderer);
            assertNotEquals(browser.userNamespace(), renderer.userNamespace(), "the renderer is in the sandbox's own namespaces: " + renderer);
        }
        // the browser's network namespace has its own loopback and nothing else
        assertEquals(List.of("lo"), browser.interfaces(), browser.toString());
    }

    @Test
    void aBrowserThatDiedIsLaunchedAgainForTheNextPage(@TempDir Path dir) throws Exception {
        try (ArtifactRenderer renderer = new ArtifactRenderer(QUICK)) {
            assertTrue(renderer.render("<html><body><h1>one</h1></body></html>", dir, "one").ok());
            long pid = renderer.browserPid().orElseThrow();
            ProcessHandle browser = ProcessHandle.of(pid).orElseThrow();
            browser.destroyForcibly();
            browser.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            ArtifactRenderer.Rendering next = renderer.render("<html><body><h1>two</h1></body></html>", dir, "two");
            assertTrue(next.ok(), "the next page renders in a new isolated browser: " + next.outcome());
            assertEquals(3, next.screenshots().size());
            long relaunched = renderer.browserPid().orElseThrow();
            assertTrue(relaunched != pid, "a new browser process");
            assertTrue(BrowserProcesses.of(relaunched).toString().length() > 0);
        }
    }

    @Test
    void doctorsProbeFindsNothingMissingHere() {
        // what `evalbox doctor` reports: this machine (and CI, as root with evalbox-browser made by setup) can isolate the browser
        assertEquals(java.util.Optional.empty(), BrowserIsolation.problem());
        assertEquals(BrowserIsolation.isRoot() ? BrowserIsolation.USER : System.getProperty("user.name"), BrowserIsolation.plannedUser());
    }

    @Test
    void hostFilesAreOutOfAPagesReach(@TempDir Path dir) throws Exception {
        // a host file a page could want to show: magenta, so a screenshot that shows it is plain to see
        Path secret = dir.resolve("secret.html");
        Files.writeString(secret, "<html><body style='margin:0;background:#f0f'>secret</body></html>");
        Path picture = dir.resolve("secret.png");
        BufferedImage magenta = new BufferedImage(50, 50, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 50; y++) for (int x = 0; x < 50; x++) magenta.setRGB(x, y, 0xff00ff);
        ImageIO.write(magenta, "png", picture.toFile());
        String page = "<html><body style='margin:0;background:#c00'><iframe src='" + secret.toUri() + "' style='border:0;width:400px;height:100px'></iframe>"
                + "<img id=i src='" + picture.toUri() + "' style='width:50px;height:50px'><script>"
                + "Promise.allSettled([fetch('file:///etc/passwd').then(r=>r.text()).then(t=>{if(t.includes('root'))throw 0;}),"
                + "new Promise((ok,no)=>{if(i.complete)(i.naturalWidth?no:ok)();else{i.onload=no;i.onerror=ok;}})]).then(r=>{"
                + "if(r[1].status==='fulfilled'&&r[0].status==='rejected')document.body.style.background='#0c0';"
                + "setTimeout(()=>{location.href='" + secret.toUri() + "';},50);});</script></body></html>";
        try (ArtifactRenderer renderer = new ArtifactRenderer(QUICK)) {
            ArtifactRenderer.Rendering rendering = renderer.render(page, dir.resolve("out"), "files");
            // Chromium itself refuses file: URLs to a page of an http origin, the move to one too (nothing to record)
            assertEquals(3, rendering.screenshots().size(), rendering.toString());
            assertEquals("ok", rendering.outcome(), rendering.toString());
            for (Path shot : rendering.screenshots()) {
                BufferedImage image = ImageIO.read(shot.toFile());
                for (int y = 0; y < image.getHeight(); y += 5) {
                    for (int x = 0; x < image.getWidth(); x += 5) {
                        assertNotEquals(0xff00ff, image.getRGB(x, y) & 0xffffff, shot + " shows a host file at " + x + "," + y);
                    }
                }
            }
            assertEquals(0x00cc00, ImageIO.read(rendering.screenshots().get(2).toFile()).getRGB(390, 290) & 0xffffff,
                    "the page found the host's picture and /etc/passwd out of its reach");
        }
    }

    @Test
    void withoutRootTheWrapperKeepsChromiumSandboxedAndOffTheNetwork(@TempDir Path dir) throws Exception {
        // As root, the test becomes nobody to take the wrapper's other way; the renderer's own launch is covered above.
        Assumptions.assumeTrue(BrowserIsolation.isRoot(), "this test takes the non-root way as nobody, which needs root to become");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path wrapper = dir.resolve("isolated-chromium.sh");
        try (InputStream in = BrowserIsolation.class.getResourceAsStream("isolated-chromium.sh")) {
            Files.write(wrapper, in.readAllBytes());
        }
        Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path profile = Files.createDirectories(dir.resolve("profile"));
        Files.setPosixFilePermissions(profile, PosixFilePermissions.fromString("rwxrwxrwx"));
        try (LoopbackListeners listeners = LoopbackListeners.open()) {
            String page = "data:text/html,<img src='http://127.0.0.1:" + listeners.port() + "/x'><img src='http://[::1]:" + listeners.port()
                    + "/y'><p id=p>rendered</p>";
            ProcessBuilder builder = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", wrapper.toString(),
                    "--headless", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile, "--dump-dom", page);
            builder.environment().clear();
            builder.environment().putAll(java.util.Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "EVALBOX_CHROMIUM", ChromiumRequired.CHROMIUM.toString(),
                    "EVALBOX_BROWSER_PIDFILE", dir.resolve("browser.pid").toString()));
            builder.redirectError(dir.resolve("stderr.txt").toFile());
            Process chromium = builder.start();
            String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(chromium.waitFor(120, TimeUnit.SECONDS), "Chromium ended");
            String err = Files.readString(dir.resolve("stderr.txt"));
            assertEquals(0, chromium.exitValue(), err);
            assertTrue(dom.contains("<p id=\"p\">rendered</p>"), "the page was rendered, sandbox on: " + dom + err);
            assertFalse(err.contains("No usable sandbox"), err);
            LoopbackListeners.Received received = listeners.received();
            assertTrue(received.nothing(), "nothing reached the host's loopback: " + received);
        }
    }
}
