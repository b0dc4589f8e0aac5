package dev.evalbox.unittests.artifactsbench;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import dev.evalbox.unittests.bench.HeadlessBrowser;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@link HeadlessBrowser} on Playwright, which this module carries for rendering pages: the system
 * Chromium, no browser download. For evalbox's own pages only (the viewer's speed check); model-written
 * pages go through {@link ArtifactRenderer}'s isolated browser.
 */
public final class PlaywrightBrowser implements HeadlessBrowser {
    private final Playwright playwright;
    private final Browser browser;

    private PlaywrightBrowser(Path chromium, List<String> arguments) {
        this.playwright = Playwrights.create();
        try {
            this.browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setHeadless(true).setExecutablePath(chromium)
                    .setArgs(arguments));
        } catch (RuntimeException e) {
            playwright.close();
            throw e;
        }
    }

    /** Registered in META-INF/services for {@link HeadlessBrowser#launch}. */
    public static final class Launcher implements HeadlessBrowser.Launcher {
        @Override
        public HeadlessBrowser launch(Path chromium, List<String> arguments) { return new PlaywrightBrowser(chromium, arguments); }
    }

    @Override
    public Tab newTab() {
        Page page = browser.newPage();
        return new Tab() {
            @Override
            public void navigate(String url) { page.navigate(url); }

            @Override
            public Object evaluate(String function, Object argument) { return page.evaluate(function, argument); }

            @Override
            public void select(String selector, String value) { page.selectOption(selector, value); }

            @Override
            public void fill(String selector, String text) { page.fill(selector, text); }

            @Override
            public void waitFor(String selector, Duration timeout) {
                page.waitForSelector(selector, new Page.WaitForSelectorOptions().setTimeout(timeout.toMillis()));
            }

            @Override
            public void close() { page.close(); }
        };
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
