package dev.evalbox.unittests.artifactsbench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.WaitUntilState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Renders answer pages in headless Chromium (the system's, through Playwright; no browser download)
 * and takes full-page screenshots. One browser stays up for many pages, each page gets a fresh
 * context, and every request but the page's own file is aborted and recorded (CDN libraries do not
 * load: documented). Pages that hang, alert, loop, navigate away or crash give a recorded outcome,
 * and a browser that died is launched again for the next page. Not thread-safe: one renderer per thread.
 */
public final class ArtifactRenderer implements AutoCloseable {
    /** How pages are rendered; the reference uses 1280x720 and 3 screenshots 1 s apart. */
    public record Settings(Path chromium, int width, int height, int screenshots, Duration interval, Duration timeout) {
        public static Settings defaults() {
            return new Settings(Path.of("/usr/bin/chromium"), 1280, 720, 3, Duration.ofSeconds(1), Duration.ofSeconds(30));
        }

        /** These settings with another viewport, from "WIDTHxHEIGHT". */
        public Settings withViewport(String size) {
            String[] parts = size.toLowerCase().split("x");
            try {
                if (parts.length == 2) return new Settings(chromium, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), screenshots, interval, timeout);
            } catch (NumberFormatException e) {
                // reported below with the expected form
            }
            throw new IllegalArgumentException("viewport \"" + size + "\" must look like 1280x720");
        }

        public Settings withTimeout(Duration limit) {
            return new Settings(chromium, width, height, screenshots, interval, limit);
        }
    }

    /**
     * What rendering a page gave: its screenshots, how it went ({@code ok}, {@code navigation_blocked},
     * {@code timeout}, {@code crashed}, {@code error}), what was blocked, the dialogs it opened, and the
     * navigations away (and popups) that were stopped.
     */
    public record Rendering(List<Path> screenshots, String outcome, List<String> blockedRequests, List<String> dialogs,
                            List<String> navigations, String error) {
        public boolean ok() { return "ok".equals(outcome); }
    }

    // Every page gets this V8 heap: a page that allocates without end crashes its own renderer
    // (a recorded outcome) instead of taking the machine's memory.
    private static final String JS_HEAP_MB = "512";

    private final Settings settings;
    private final boolean browserPerPage;
    private final Playwright playwright;
    private Browser browser;

    public ArtifactRenderer(Settings settings) {
        this(settings, false);
    }

    private ArtifactRenderer(Settings settings, boolean browserPerPage) {
        this.settings = settings;
        this.browserPerPage = browserPerPage;
        if (!Files.isExecutable(settings.chromium())) {
            throw new IllegalStateException("Chromium is not at " + settings.chromium() + " (scripts/setup.sh chromium installs it)");
        }
        this.playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        if (!browserPerPage) this.browser = launch();
    }

    /**
     * A renderer that launches a new browser for every page and closes it afterwards: the way
     * without a kept-alive browser, which {@code evalbox bench artifacts-render} measures against.
     */
    public static ArtifactRenderer browserPerPage(Settings settings) {
        return new ArtifactRenderer(settings, true);
    }

    private Browser launch() {
        return playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true)
                .setExecutablePath(settings.chromium())
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                        "--disable-component-update", "--disable-sync", "--js-flags=--max-old-space-size=" + JS_HEAP_MB)));
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
        if (browser == null || !browser.isConnected()) browser = launch();
        try {
            return renderFile(file, dir, name);
        } finally {
            if (browserPerPage) {
                browser.close();
                browser = null;
            }
        }
    }

    private Rendering renderFile(Path file, Path dir, String name) {
        String own = file.toUri().toString();
        List<String> blocked = Collections.synchronizedList(new ArrayList<>());
        List<String> dialogs = Collections.synchronizedList(new ArrayList<>());
        List<String> navigations = Collections.synchronizedList(new ArrayList<>());
        List<Path> shots = new ArrayList<>();
        AtomicBoolean crashed = new AtomicBoolean();
        double timeout = settings.timeout().toMillis();
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(settings.width(), settings.height()));
        try {
            context.route("**/*", route -> {
                String url = route.request().url();
                if (url.equals(own) || url.startsWith("data:") || url.startsWith("blob:")) {
                    route.resume();
                } else if (route.request().isNavigationRequest() && route.request().frame().parentFrame() == null) {
                    // "aborted" cancels a navigation without an error page: the answer's own page stays on screen
                    navigations.add(url);
                    route.abort("aborted");
                } else {
                    blocked.add(url);
                    route.abort();
                }
            });
            Page page = context.newPage();
            context.onPage(popup -> navigations.add("popup: " + popup.url()));
            page.onDialog(dialog -> {
                dialogs.add(dialog.type() + ": " + dialog.message());
                dialog.dismiss();
            });
            page.onCrash(p -> crashed.set(true));
            page.onFrameNavigated(frame -> {
                // navigations that never reach the network (about:blank, history tricks) are seen here
                if (frame.parentFrame() == null && !frame.url().equals(own) && !frame.url().startsWith(own + "#")) navigations.add(frame.url());
            });
            page.setDefaultTimeout(timeout);
            long deadline = System.nanoTime() + settings.timeout().toNanos();
            page.navigate(own, new Page.NavigateOptions().setTimeout(timeout).setWaitUntil(WaitUntilState.COMMIT));
            awaitLoad(page, deadline, navigations, crashed);
            try {
                page.waitForLoadState(LoadState.NETWORKIDLE, new Page.WaitForLoadStateOptions().setTimeout(Math.max(1, millisLeft(deadline))));
            } catch (TimeoutError stillBusy) {
                // a page that never goes idle is still photographed, as it is
            }
            // a page that used its time loading still gets a few seconds per screenshot; one that loops fails here
            double shotTimeout = Math.max(millisLeft(deadline), Math.min(timeout, 5000));
            for (int i = 1; i <= settings.screenshots(); i++) {
                Path shot = dir.resolve(name + "_" + i + ".png");
                page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true).setTimeout(shotTimeout));
                shots.add(shot);
                if (i < settings.screenshots()) page.waitForTimeout(settings.interval().toMillis());
            }
            String outcome = navigations.isEmpty() ? "ok" : "navigation_blocked";
            return new Rendering(shots, outcome, List.copyOf(blocked), List.copyOf(dialogs), List.copyOf(navigations), "");
        } catch (PlaywrightException e) {
            String message = message(e);
            String outcome = crashed.get() || message.contains("crash") ? "crashed" : e instanceof TimeoutError ? "timeout" : "error";
            return new Rendering(List.copyOf(shots), outcome, List.copyOf(blocked), List.copyOf(dialogs), List.copyOf(navigations), message);
        } finally {
            try {
                context.close();
            } catch (PlaywrightException e) {
                // the context of a hung or crashed page, or of a browser that died, may already be gone
            }
        }
    }

    /**
     * Waits for the load event until the deadline. A navigation started while the page is still loading
     * stops that loading for good in Chromium (the event never comes, even when the navigation is
     * cancelled), so once one was stopped the page is taken as it is.
     */
    private static void awaitLoad(Page page, long deadline, List<String> navigations, AtomicBoolean crashed) {
        while (millisLeft(deadline) > 0) {
            try {
                page.waitForLoadState(LoadState.LOAD, new Page.WaitForLoadStateOptions().setTimeout(Math.min(millisLeft(deadline), 250)));
                return;
            } catch (TimeoutError notYet) {
                if (crashed.get()) throw new PlaywrightException("the page crashed while loading");
                if (!navigations.isEmpty()) return;
            }
        }
    }

    private static long millisLeft(long deadline) {
        return Math.max(0, (deadline - System.nanoTime()) / 1_000_000);
    }

    /** Playwright's message is a multi-line dump ("Error {", "  message='...", logs); its message line is what a user needs. */
    static String message(PlaywrightException e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        int start = text.indexOf("message='");
        if (start >= 0) text = text.substring(start + "message='".length());
        return text.lines().findFirst().orElse("").replaceFirst("'$", "");
    }

    @Override
    public void close() {
        try {
            if (browser != null) browser.close();
        } finally {
            playwright.close();
        }
    }
}
