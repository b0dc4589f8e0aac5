package dev.evalbox.unittests.artifactsbench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.options.LoadState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Renders answer pages in headless Chromium (the system's, through Playwright; no browser download)
 * and takes full-page screenshots. One browser stays up for many pages, each page gets a fresh
 * context, and every request but the page's own file is aborted and recorded (CDN libraries do not
 * load: documented). Pages that hang, alert, loop, navigate away or crash give a recorded outcome.
 * Not thread-safe: use one renderer per thread.
 */
public final class ArtifactRenderer implements AutoCloseable {
    /** How pages are rendered; the reference uses 1280x720 and 3 screenshots 1 s apart. */
    public record Settings(Path chromium, int width, int height, int screenshots, Duration interval, Duration timeout) {
        public static Settings defaults() {
            return new Settings(Path.of("/usr/bin/chromium"), 1280, 720, 3, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }
    }

    /** What rendering a page gave: its screenshots, how it went, what was blocked, the dialogs it opened. */
    public record Rendering(List<Path> screenshots, String outcome, List<String> blockedRequests, List<String> dialogs, String error) {
        public boolean ok() { return "ok".equals(outcome); }
    }

    private final Settings settings;
    private final Playwright playwright;
    private final Browser browser;

    public ArtifactRenderer(Settings settings) {
        this.settings = settings;
        if (!Files.isExecutable(settings.chromium())) {
            throw new IllegalStateException("Chromium is not at " + settings.chromium() + " (scripts/setup.sh chromium installs it)");
        }
        this.playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        this.browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true)
                .setExecutablePath(settings.chromium())
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync")));
    }

    /** Writes the page as {@code name}.html in {@code dir}, renders it and saves {@code name}_N.png screenshots there. */
    public Rendering render(String html, Path dir, String name) {
        Path file = dir.resolve(name + ".html").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Files.writeString(file, html);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        String own = file.toUri().toString();
        List<String> blocked = Collections.synchronizedList(new ArrayList<>());
        List<String> dialogs = Collections.synchronizedList(new ArrayList<>());
        List<Path> shots = new ArrayList<>();
        boolean[] crashed = {false};
        double timeout = settings.timeout().toMillis();
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(settings.width(), settings.height()));
        try {
            context.route("**/*", route -> {
                String url = route.request().url();
                if (url.equals(own) || url.startsWith("data:") || url.startsWith("blob:")) {
                    route.resume();
                } else {
                    blocked.add(url);
                    route.abort();
                }
            });
            Page page = context.newPage();
            page.onDialog(dialog -> {
                dialogs.add(dialog.type() + ": " + dialog.message());
                dialog.dismiss();
            });
            page.onCrash(p -> crashed[0] = true);
            page.setDefaultTimeout(timeout);
            page.navigate(own, new Page.NavigateOptions().setTimeout(timeout));
            try {
                page.waitForLoadState(LoadState.NETWORKIDLE, new Page.WaitForLoadStateOptions().setTimeout(timeout));
            } catch (PlaywrightException stillBusy) {
                // a page that never goes idle is still photographed, as it is
            }
            for (int i = 1; i <= settings.screenshots(); i++) {
                Path shot = dir.resolve(name + "_" + i + ".png");
                page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true).setTimeout(timeout));
                shots.add(shot);
                if (i < settings.screenshots()) page.waitForTimeout(settings.interval().toMillis());
            }
            return new Rendering(shots, "ok", List.copyOf(blocked), List.copyOf(dialogs), "");
        } catch (PlaywrightException e) {
            String outcome = crashed[0] ? "crashed" : e.getMessage() != null && e.getMessage().contains("Timeout") ? "timeout" : "error";
            String message = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            return new Rendering(List.copyOf(shots), outcome, List.copyOf(blocked), List.copyOf(dialogs), message);
        } finally {
            try {
                context.close();
            } catch (PlaywrightException e) {
                // the context of a hung or crashed page may already be gone
            }
        }
    }

    @Override
    public void close() {
        try {
            browser.close();
        } finally {
            playwright.close();
        }
    }
}
