package dev.evalbox.unittests.artifactsbench;

import com.google.gson.JsonObject;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.CDPSession;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.PlaywrightException;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.TimeoutError;
import com.microsoft.playwright.options.LoadState;
import com.microsoft.playwright.options.WaitUntilState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Renders answer pages in headless Chromium (the system's, through Playwright; no browser download)
 * and takes full-page screenshots. The browser runs isolated ({@link BrowserIsolation}: no network at all,
 * Chromium's sandbox on, never as root); evalbox serves each page itself at {@link #PAGE_URL}, never from a
 * host path. One browser stays up for many pages, each page gets a fresh context, and every request but the
 * page itself is aborted and recorded (CDN libraries do not load: documented), as is what else of a page's attempts
 * the browser shows ({@link BlockedAttempts}: requests past interception, WebSockets, workers', WebRTC ICE servers,
 * WebTransport sessions; the network namespace refuses them all). Several pages are rendered at once in that browser ({@code pagesInFlight}), so
 * their waits between screenshots overlap; Playwright is single-threaded, so one thread drives them
 * all by a schedule. Pages that hang, alert, loop, navigate away or crash give a recorded outcome,
 * and a browser that died is launched again for the next page. Not thread-safe: one renderer per thread.
 */
public final class ArtifactRenderer implements AutoCloseable {
    /**
     * How pages are rendered; the reference uses 1280x720 and 3 screenshots 1 s apart. {@code pagesInFlight}
     * is how many pages one browser renders at once in {@link #renderAll}.
     */
    public record Settings(Path chromium, int width, int height, int screenshots, Duration interval, Duration timeout, int pagesInFlight) {
        public static final int DEFAULT_PAGES_IN_FLIGHT = 8;
        /**
         * Debian's chromium-headless-shell (the binary itself: its /usr/bin script does not exec, which would put a shell between
         * the isolation wrapper and the browser): the headless-only build Playwright itself uses for headless runs. The same
         * engine as Chromium and the same version (one source package), without the desktop browser's UI, extensions and
         * component updater; measured here it costs a page about a third of the CPU time (docs/benchmarks.md).
         */
        public static final Path HEADLESS_SHELL = Path.of("/usr/lib/chromium/chromium-headless-shell");
        /** Debian's full Chromium, used when the headless shell is not installed. */
        public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

        public Settings {
            if (screenshots < 1) throw new IllegalArgumentException("screenshots must be at least 1, got " + screenshots);
            if (pagesInFlight < 1) throw new IllegalArgumentException("pagesInFlight must be at least 1, got " + pagesInFlight);
        }

        public Settings(Path chromium, int width, int height, int screenshots, Duration interval, Duration timeout) {
            this(chromium, width, height, screenshots, interval, timeout, DEFAULT_PAGES_IN_FLIGHT);
        }

        /**
         * What grading uses: the released code's 1280x720 and 3 screenshots 1 s apart, a minute for a page to load, in the
         * headless shell when it is installed, else in Chromium ({@link #defaultBrowser}).
         */
        public static Settings defaults() {
            return new Settings(defaultBrowser(), 1280, 720, 3, Duration.ofSeconds(1), Duration.ofSeconds(60));
        }

        /** {@link #HEADLESS_SHELL} when it is installed, else {@link #CHROMIUM}: both give the same screenshots (see {@code launch}). */
        public static Path defaultBrowser() {
            return Files.isExecutable(HEADLESS_SHELL) ? HEADLESS_SHELL : CHROMIUM;
        }

        /** These settings with another viewport, from "WIDTHxHEIGHT". */
        public Settings withViewport(String size) {
            String[] parts = size.toLowerCase(Locale.ROOT).split("x");
            try {
                if (parts.length == 2) {
                    return new Settings(chromium, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), screenshots, interval, timeout, pagesInFlight);
                }
            } catch (NumberFormatException e) {
                // reported below with the expected form
            }
            throw new IllegalArgumentException("viewport \"" + size + "\" must look like 1280x720");
        }

        public Settings withTimeout(Duration limit) {
            return new Settings(chromium, width, height, screenshots, interval, limit, pagesInFlight);
        }

        public Settings withPagesInFlight(int pages) {
            return new Settings(chromium, width, height, screenshots, interval, timeout, pages);
        }
    }

    /**
     * What rendering a page gave: its screenshots, how it went ({@code ok}, {@code navigation_blocked},
     * {@code timeout}, {@code crashed}, {@code error}), what was blocked (request URLs, WebSocket URLs, the ICE
     * servers of an {@code RTCPeerConnection}, "webtransport: URL"; one entry per attempt, see {@link BlockedAttempts}), the dialogs it opened, the
     * navigations away (and popups) that were stopped, and a note when the screenshots show less than the
     * whole page (a page beyond {@link #MAX_CAPTURE_PX}).
     */
    public record Rendering(List<Path> screenshots, String outcome, List<String> blockedRequests, List<String> dialogs,
                            List<String> navigations, String error, String note) {
        public boolean ok() { return "ok".equals(outcome); }
    }

    // Every page gets this V8 heap: a page that allocates without end crashes its own renderer
    // (a recorded outcome) instead of taking the machine's memory.
    private static final String JS_HEAP_MB = "512";
    // how often pages still loading are looked at again while no screenshot is due
    private static final long POLL_NANOS = 20_000_000;

    /**
     * Where every page is served from, by evalbox itself (Playwright's request interception answers it; nothing
     * listens there, and the browser has no network to reach anything that does). A {@code *.localhost} origin is a
     * secure context, as the file:// pages it replaces were, so pages keep the APIs that need one (crypto.subtle),
     * and plain-http requests are not mixed content: they reach the interception and are recorded as blocked.
     */
    public static final String PAGE_URL = "http://evalbox.localhost/page.html";

    /**
     * Records the WebRTC ICE servers and WebTransport sessions a page asks for: no browser event tells of them
     * (they never reach request interception) and the network namespace refuses them unseen. The page could get
     * around this wrapping (it runs in the page's world), which only loses the record, never the refusal.
     */
    private static final String RECORD_ATTEMPTS = """
            (() => {
              const report = globalThis.__evalboxAttempt;
              if (typeof report !== 'function') return;
              const servers = config => {
                const urls = [];
                for (const server of (config && config.iceServers) || []) {
                  const u = server && (server.urls !== undefined ? server.urls : server.url);
                  for (const one of Array.isArray(u) ? u : [u]) if (one !== undefined) urls.push(String(one));
                }
                return urls;
              };
              const wrap = (name, targets) => {
                const Original = globalThis[name];
                if (typeof Original !== 'function') return;
                const Wrapped = new Proxy(Original, { construct(target, args, newTarget) {
                  try { for (const t of targets(args)) report(t); } catch (e) { }
                  return Reflect.construct(target, args, newTarget);
                } });
                Object.defineProperty(globalThis, name, { value: Wrapped, writable: true, configurable: true });
                const set = Original.prototype && Original.prototype.setConfiguration;
                // webkitRTCPeerConnection is another name of the same class: its prototype is patched once
                if (typeof set === 'function' && !set.evalboxRecords) {
                  Original.prototype.setConfiguration = function (config) {
                    try { for (const t of servers(config)) report(t); } catch (e) { }
                    return set.apply(this, arguments);
                  };
                  Original.prototype.setConfiguration.evalboxRecords = true;
                }
              };
              wrap('RTCPeerConnection', args => servers(args[0]));
              wrap('webkitRTCPeerConnection', args => servers(args[0]));
              wrap('WebTransport', args => ['webtransport: ' + String(args[0])]);
            })();
            """;

    /**
     * The largest width or height a screenshot shows, in CSS pixels, and the largest area (a 1280 px wide page
     * 32,768 px tall); a larger page is captured from its top-left corner to that size, and the rendering says so.
     * Measured with Debian's Chromium (software compositing): full pages 1280 px wide and 12,000 to 70,000 px tall
     * come out whole, but a 140,000 px page came out white below about 86,600 px; and capture time grows with the
     * area (a 33,000 px page took 30 to 35 s a screenshot on a busy 2-core machine).
     */
    public static final int MAX_CAPTURE_PX = 32_768;
    public static final long MAX_CAPTURE_PIXELS = 1280L * MAX_CAPTURE_PX;
    /**
     * What a screenshot may take beyond the page timeout, per megapixel captured: capturing and PNG-encoding a
     * full page costs time in proportion to its area (measured: 10 to 43 s for a 1280x12,000 page on a busy
     * 2-core machine, most of it the PNG encoding), which a fixed timeout cannot cover for every page.
     */
    private static final long CAPTURE_MILLIS_PER_MEGAPIXEL = 4_000;
    // Playwright's own measure of the full page (its screenshotter's), as WIDTHxHEIGHT; a string, read from the
    // handle's preview without another call into a page that may have hung since
    private static final String PAGE_SIZE = "() => { const d = document.documentElement, b = document.body || d;"
            + " return Math.max(b.scrollWidth, d.scrollWidth, b.offsetWidth, d.offsetWidth, b.clientWidth, d.clientWidth) + 'x'"
            + " + Math.max(b.scrollHeight, d.scrollHeight, b.offsetHeight, d.offsetHeight, b.clientHeight, d.clientHeight); }";

    private final Settings settings;
    private final boolean browserPerPage;
    private final BrowserIsolation isolation;
    private final Playwright playwright;
    private Browser browser;
    /** The running browser's shared and service workers, whose attempts go to the page of their context. */
    private BrowserWorkers workers;
    /** Whether the running browser's process could be found (the isolation's chain of processes): then its end is watched. */
    private boolean browserPidKnown;
    private double browserCpuSeconds;
    // set by the pages' event handlers, which Playwright runs on this thread: ends a wait early
    private boolean woken;

    public ArtifactRenderer(Settings settings) {
        this(settings, false);
    }

    private ArtifactRenderer(Settings settings, boolean browserPerPage) {
        this.settings = settings;
        this.browserPerPage = browserPerPage;
        if (!Files.isExecutable(settings.chromium())) {
            throw new IllegalStateException("Chromium is not at " + settings.chromium() + " (scripts/setup.sh chromium installs it)");
        }
        this.isolation = BrowserIsolation.prepare(settings.chromium());
        try {
            this.playwright = Playwrights.create();
        } catch (RuntimeException e) {
            isolation.close();
            throw e;
        }
        if (!browserPerPage) {
            try {
                relaunch();
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
    }

    /**
     * A renderer that launches a new browser for every page and closes it afterwards: the way
     * without a kept-alive browser, which {@code evalbox bench artifacts-render} measures against.
     */
    public static ArtifactRenderer browserPerPage(Settings settings) {
        return new ArtifactRenderer(settings, true);
    }

    private Browser launch() {
        // Chromium's sandbox on (Playwright adds --no-sandbox unless told otherwise). The last line is defence in depth
        // behind the network namespace: no proxy; no host name or address resolves, so nothing but WebRTC even opens a
        // socket, and the host's resolver, which a Unix socket reaches past the namespace, never sees a page's names; no QUIC.
        // Slight font hinting is what full Chromium takes from this system's fontconfig; the headless shell reads no desktop
        // settings and hinted fully, which changed the text of form fields by a few hundred pixels. With it, both browsers give
        // byte-identical screenshots of evalbox's pages and of form controls, fonts (CJK, emoji), effects and tall pages, and
        // Chromium's own are unchanged by it (docs/artifactsbench.md, "Browser").
        try {
            return playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true).setChromiumSandbox(true)
                    .setExecutablePath(isolation.executable()).setEnv(isolation.browserEnv())
                    .setArgs(List.of("--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                            "--disable-sync", "--js-flags=--max-old-space-size=" + JS_HEAP_MB,
                            "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND", "--disable-quic",
                            "--font-render-hinting=slight")));
        } catch (PlaywrightException e) {
            throw new IllegalStateException("the isolated browser did not start (" + isolation.describe() + "): " + message(e), e);
        }
    }

    /** How the browser is isolated on this machine, in one line. */
    public String isolation() {
        return isolation.describe();
    }

    /**
     * The CPU time, in seconds, the kernel counted to the browsers this renderer launched that have exited: the browser process
     * and what it waited for. Not the processes its PID namespace's end kills (the zygotes, and with them the renderers they
     * had reaped; the GPU and utility processes still up): the kernel reaps those without counting them, which left out most of
     * a kept-alive browser's time. {@link BrowserCpuSampler} reads every process's time from /proc.
     */
    public double browserCpuSeconds() {
        browserCpuSeconds += isolation.takeExitedCpuSeconds();
        return browserCpuSeconds;
    }

    /**
     * The process id of the running browser's main process (its renderers and GPU process are its descendants),
     * for reading its owner, flags and CPU time from /proc; empty before the first launch.
     */
    public OptionalLong browserPid() {
        return browser == null ? OptionalLong.empty() : isolation.browserPid();
    }

    /** A page to render: written as {@code name}.html in {@code dir}, its screenshots saved there as {@code name}_N.png. */
    public record Job(String html, Path dir, String name) { }

    /** Writes the page as {@code name}.html in {@code dir}, renders it and saves {@code name}_N.png screenshots there. */
    public Rendering render(String html, Path dir, String name) {
        return renderAll(List.of(new Job(html, dir, name))).get(0);
    }

    /** Renders the pages as {@link #renderAll(Supplier, BiConsumer)} does; the renderings come back in the order of the pages. */
    public List<Rendering> renderAll(List<Job> jobs) {
        Iterator<Job> pending = jobs.iterator();
        Map<Job, Rendering> done = new IdentityHashMap<>();
        renderAll(() -> pending.hasNext() ? pending.next() : null, done::put);
        return jobs.stream().map(done::get).toList();
    }

    /**
     * Renders the pages {@code next} gives until it gives null, up to {@code pagesInFlight} at once in this
     * one browser (a browser-per-page renderer: one at a time), and hands each rendering to {@code onRendered}
     * on this thread as it finishes. Each page gets its own context and its screenshots as {@link #render}
     * takes them; the pages' waits between screenshots overlap. An interrupt stops taking new pages.
     */
    public void renderAll(Supplier<Job> next, BiConsumer<Job, Rendering> onRendered) {
        renderAll(next, onRendered, false);
    }

    /**
     * Renders pages that keep coming (from other threads) as {@link #renderAll(Supplier, BiConsumer)} does, except that
     * a null from {@code next} while pages are in flight means none for now: it is asked again at the next step. It
     * returns when {@code next} gives null with no page in flight, so {@code next} should wait for a page then.
     */
    public void serve(Supplier<Job> next, BiConsumer<Job, Rendering> onRendered) {
        renderAll(next, onRendered, true);
    }

    private void renderAll(Supplier<Job> next, BiConsumer<Job, Rendering> onRendered, boolean keepAsking) {
        int limit = browserPerPage ? 1 : settings.pagesInFlight();
        List<InFlight> pages = new ArrayList<>();
        boolean more = true;
        while (true) {
            while (more && pages.size() < limit && !Thread.currentThread().isInterrupted()) {
                Job job = next.get();
                if (job == null) {
                    if (!keepAsking || pages.isEmpty()) more = false;
                    break;
                }
                pages.add(start(job));
            }
            if (pages.isEmpty()) return;
            boolean finished = false;
            for (Iterator<InFlight> it = pages.iterator(); it.hasNext(); ) {
                InFlight page = it.next();
                page.step();
                if (page.result != null) {
                    it.remove();
                    end(page);
                    onRendered.accept(page.job, page.result);
                    finished = true;
                }
            }
            if (!finished) waitForNextStep(pages);
        }
    }

    private InFlight start(Job job) {
        Path file = job.dir().resolve(job.name() + ".html").toAbsolutePath();
        try {
            Files.createDirectories(job.dir());
            Files.writeString(file, job.html());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        if (!browserAlive()) relaunch();
        InFlight page = new InFlight(job, PAGE_URL);
        try {
            page.open();
        } catch (PlaywrightException e) {
            if (browserAlive()) {
                page.fail(e);
                return page;
            }
            // the browser died before the page could open (Playwright can take a while to notice): not the page's doing
            relaunch();
            page = new InFlight(job, PAGE_URL);
            try {
                page.open();
            } catch (PlaywrightException again) {
                page.fail(again);
            }
        }
        return page;
    }

    /** Whether the browser is up: Playwright still connected and its isolated process (where it could be found) still running. */
    private boolean browserAlive() {
        return browser != null && browser.isConnected() && (!browserPidKnown || isolation.browserPid().isPresent());
    }

    private void relaunch() {
        if (browser != null) {
            try {
                browser.close();
            } catch (PlaywrightException e) {
                // already gone
            }
        }
        browser = launch();
        browserPidKnown = isolation.browserPid().isPresent();
        try {
            workers = BrowserWorkers.watch(browser);
        } catch (PlaywrightException e) {
            throw new IllegalStateException("cannot watch the isolated browser's workers (" + isolation.describe() + "): " + message(e), e);
        }
    }

    private void end(InFlight page) {
        if (page.contextId != null && workers != null) workers.forget(page.contextId);
        try {
            if (page.context != null) page.context.close();
        } catch (PlaywrightException e) {
            // the context of a hung or crashed page, or of a browser that died, may already be gone
        }
        if (browserPerPage) {
            browser.close();
            browser = null;
        }
    }

    /**
     * Lets Playwright deliver events (this thread runs every handler) until the earliest screenshot is due,
     * or for a short poll while some page still loads.
     */
    private void waitForNextStep(List<InFlight> pages) {
        long now = System.nanoTime();
        long wake = Long.MAX_VALUE;
        for (InFlight page : pages) wake = Math.min(wake, page.stage == Stage.SHOOTING ? page.due : now + POLL_NANOS);
        long millis = (wake - now) / 1_000_000;
        if (millis <= 0) return;
        woken = false;
        try {
            pages.get(0).context.waitForCondition(() -> woken, new BrowserContext.WaitForConditionOptions().setTimeout(millis));
        } catch (TimeoutError due) {
            // the next step is due
        } catch (PlaywrightException gone) {
            // the context closed under the wait (the browser died): each page finds out at its next step
        }
    }

    private enum Stage { LOADING, SETTLING, SHOOTING }

    /** One page being rendered: where it is (loading, waiting for network idle, taking screenshots) and what it recorded. */
    private final class InFlight {
        final Job job;
        final String own;
        final BlockedAttempts blocked = new BlockedAttempts();
        final List<String> dialogs = new ArrayList<>();
        final List<String> navigations = new ArrayList<>();
        final List<Path> shots = new ArrayList<>();
        boolean crashed;
        boolean loaded;
        BrowserContext context;
        /** The browser's id of {@link #context}, whose shared and service workers {@link #workers} watches; null until it is known. */
        String contextId;
        Page page;
        Stage stage = Stage.LOADING;
        long deadline;
        long due;
        String note = "";
        Rendering result;

        InFlight(Job job, String own) {
            this.job = job;
            this.own = own;
        }

        void open() {
            double timeout = settings.timeout().toMillis();
            // service workers stay allowed: Playwright's "block" only hides register() from the page's script; allowed, a worker's
            // script is fetched by the browser past interception, from the page's own origin that nothing serves, and recorded
            // by BrowserWorkers
            context = browser.newContext(new Browser.NewContextOptions().setViewportSize(settings.width(), settings.height()));
            byte[] body = job.html().getBytes(StandardCharsets.UTF_8);
            context.route("**/*", route -> {
                String url = route.request().url();
                if (url.equals(own)) {
                    // the answer's page, served by evalbox itself
                    route.fulfill(new Route.FulfillOptions().setStatus(200).setContentType("text/html; charset=utf-8").setBodyBytes(body));
                } else if (url.startsWith("data:") || url.startsWith("blob:")) {
                    route.resume();
                } else if (route.request().isNavigationRequest() && route.request().frame().parentFrame() == null) {
                    // "aborted" cancels a navigation without an error page: the answer's own page stays on screen
                    navigated(url);
                    route.abort("aborted");
                } else {
                    blocked.add(BlockedAttempts.Observer.INTERCEPTION, url);
                    route.abort();
                }
            });
            context.exposeBinding("__evalboxAttempt", (source, args) -> {
                if (args.length > 0) blocked.add(BlockedAttempts.Observer.PAGE_SCRIPT, String.valueOf(args[0]));
                return null;
            });
            context.addInitScript(RECORD_ATTEMPTS);
            page = context.newPage();
            watch(page);
            context.onPage(popup -> {
                navigated("popup: " + popup.url());
                // closed at once: a popup left open (a blank one above all) keeps the answer's page from being drawn, so
                // its screenshots never came and the page ended as a timeout
                try {
                    popup.close();
                } catch (PlaywrightException gone) {
                    // it closed itself
                }
            });
            page.onDialog(dialog -> {
                dialogs.add(dialog.type() + ": " + dialog.message());
                dialog.dismiss();
            });
            page.onCrash(p -> {
                crashed = true;
                woken = true;
            });
            page.onLoad(p -> {
                loaded = true;
                woken = true;
            });
            page.onFrameNavigated(frame -> {
                // navigations that never reach the network (about:blank, history tricks) are seen here
                if (frame.parentFrame() == null && !frame.url().equals(own) && !frame.url().startsWith(own + "#")) navigated(frame.url());
            });
            page.setDefaultTimeout(timeout);
            deadline = System.nanoTime() + settings.timeout().toNanos();
            page.navigate(own, new Page.NavigateOptions().setTimeout(timeout).setWaitUntil(WaitUntilState.COMMIT));
        }

        /**
         * Records, from the browser's own events, the attempts that request interception does not see, as the browser makes
         * them: every WebSocket the page (or a frame in its process) opens (Playwright's own WebSocket event only comes once a
         * connection is up, which the network namespace never lets happen), and those its dedicated workers open, from the
         * console's message of their failure that a worker forwards to its page; requests the browser makes itself
         * (speculation rules' prefetches and prerenders, {@code fetchLater}); and, through {@link #workers}, the shared
         * and service workers of the page's context.
         */
        private void watch(Page target) {
            CDPSession session = context.newCDPSession(target);
            JsonObject info = session.send("Target.getTargetInfo").getAsJsonObject("targetInfo");
            // the page's main frame has the page target's id; its navigations are recorded as navigations, not requests
            String mainFrame = info.get("targetId").getAsString();
            contextId = info.get("browserContextId").getAsString();
            workers.watch(contextId, blocked);
            Predicate<JsonObject> notAnAttempt = event -> {
                String url = event.getAsJsonObject("request").get("url").getAsString();
                return url.equals(own) || ("Document".equals(event.has("type") ? event.get("type").getAsString() : "")
                        && mainFrame.equals(event.has("frameId") ? event.get("frameId").getAsString() : ""));
            };
            for (String method : List.of("Network.requestWillBeSent", "Network.webSocketCreated", "Log.entryAdded")) {
                session.on(method, event -> blocked.onEvent(method, event, notAnAttempt));
            }
            session.send("Network.enable");
            session.send("Log.enable");
        }

        private void navigated(String url) {
            navigations.add(url);
            woken = true;
        }

        /** Takes the page as far as it can go now without waiting: load, network idle, a screenshot that is due. */
        void step() {
            if (result != null) return;
            try {
                if (crashed) throw new PlaywrightException(stage == Stage.LOADING ? "the page crashed while loading" : "the page crashed");
                if (page.isClosed()) throw new PlaywrightException("the page was closed (the browser died?)");
                if (stage == Stage.LOADING) {
                    // a navigation started while the page is still loading stops that loading for good in Chromium (the
                    // load event never comes, even when the navigation is cancelled), so once one was stopped the page is taken as it is
                    if (!loaded && navigations.isEmpty() && millisLeft(deadline) > 0) return;
                    stage = Stage.SETTLING;
                }
                if (stage == Stage.SETTLING) {
                    // a page that never goes idle is still photographed, as it is, at its deadline
                    if (millisLeft(deadline) > 0 && !networkIdle()) return;
                    stage = Stage.SHOOTING;
                    due = System.nanoTime();
                }
                if (System.nanoTime() < due) return;
                Path shot = job.dir().resolve(job.name() + "_" + (shots.size() + 1) + ".png");
                // each screenshot has a time of its own, sized for the page, as the reference gives each its own timeout:
                // what loading left of the page's time (less, the more other pages' captures held this thread) is no
                // measure of what capturing a tall page takes, and a tall page must not come back without screenshots
                Capture capture = measure();
                // Playwright trims the clip to the page (its own measure): a page smaller than the clip is captured whole
                page.screenshot(new Page.ScreenshotOptions().setPath(shot).setFullPage(true)
                        .setClip(0, 0, capture.clipWidth(), capture.clipHeight()).setTimeout(capture.timeout()));
                shots.add(shot);
                if (shots.size() < settings.screenshots()) {
                    due = System.nanoTime() + settings.interval().toNanos();
                } else {
                    result = rendering(navigations.isEmpty() ? "ok" : "navigation_blocked", "");
                }
            } catch (PlaywrightException e) {
                fail(e);
            }
        }

        /**
         * The page's full size, asked within what is left of its time but at least a few seconds: a page that
         * loops (or hangs) fails here, before a screenshot is given the time a large page needs.
         */
        private Capture measure() {
            double answer = Math.max(millisLeft(deadline), Math.min(settings.timeout().toMillis(), 5000));
            String size = page.waitForFunction(PAGE_SIZE, null, new Page.WaitForFunctionOptions().setTimeout(answer).setPollingInterval(50))
                    .toString();
            int width = settings.width();
            int height = settings.height();
            String[] parts = size.split("x");
            try {
                if (parts.length == 2) {
                    width = Integer.parseInt(parts[0]);
                    height = Integer.parseInt(parts[1]);
                }
            } catch (NumberFormatException e) {
                // the page's script can change what the measure reads (it runs in the page's world): the viewport then
                // stands for its size. Whatever it claims, the clip below bounds the area captured.
            }
            Capture capture = Capture.of(width, height, settings);
            if (width > capture.clipWidth() || height > capture.clipHeight()) {
                note = "the page is " + width + "x" + height + " px: its screenshots show its top-left " + Math.min(width, capture.clipWidth())
                        + "x" + Math.min(height, capture.clipHeight()) + " px (evalbox captures at most " + MAX_CAPTURE_PX + " px each way and "
                        + MAX_CAPTURE_PIXELS + " px in all)";
            }
            return capture;
        }

        private boolean networkIdle() {
            try {
                page.waitForLoadState(LoadState.NETWORKIDLE, new Page.WaitForLoadStateOptions().setTimeout(1));
                return true;
            } catch (TimeoutError notYet) {
                return false;
            }
        }

        void fail(PlaywrightException e) {
            String message = message(e);
            result = rendering(crashed || message.contains("crash") ? "crashed" : e instanceof TimeoutError ? "timeout" : "error", message);
        }

        private Rendering rendering(String outcome, String error) {
            return new Rendering(List.copyOf(shots), outcome, blocked.list(), List.copyOf(dialogs), List.copyOf(navigations), error, note);
        }
    }

    /**
     * How one screenshot of a page of {@code width}x{@code height} is taken: the clip (at most {@link #MAX_CAPTURE_PX}
     * each way and {@link #MAX_CAPTURE_PIXELS} in all, from the top-left corner) and the time it may take: the page
     * timeout, and more for a page larger than the viewport in proportion to the area captured.
     */
    record Capture(int clipWidth, int clipHeight, double timeout) {
        static Capture of(int width, int height, Settings settings) {
            int clipWidth = Math.min(Math.max(width, settings.width()), MAX_CAPTURE_PX);
            int clipHeight = (int) Math.min(MAX_CAPTURE_PX, MAX_CAPTURE_PIXELS / clipWidth);
            double megapixels = (double) Math.min(Math.max(width, 1), clipWidth) * Math.min(Math.max(height, 1), clipHeight) / 1e6;
            double viewport = (double) settings.width() * settings.height() / 1e6;
            return new Capture(clipWidth, clipHeight, settings.timeout().toMillis() + CAPTURE_MILLIS_PER_MEGAPIXEL * Math.max(0, megapixels - viewport));
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
            try {
                playwright.close();
            } finally {
                browserCpuSeconds += isolation.takeExitedCpuSeconds();
                isolation.close();
            }
        }
    }
}
