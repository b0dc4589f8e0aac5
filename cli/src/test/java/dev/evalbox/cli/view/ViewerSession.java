package dev.evalbox.cli.view;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import dev.evalbox.unittests.report.ChromiumRequired;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * `evalbox view` serving a folder on loopback and a headless Chromium opening its pages: what the
 * viewer's page tests share (opening a page and waiting until it says it rendered, a run's key by its
 * folder name, the task list's count, a filter change waited on, a column of a table read in order).
 */
final class ViewerSession implements AutoCloseable {
    final ViewServer server;
    final Browser browser;

    private ViewerSession(ViewServer server, Browser browser) {
        this.server = server;
        this.browser = browser;
    }

    /** Skips the test when Chromium is missing (fails it under EVALBOX_REQUIRE_CHROMIUM=1), then serves {@code runs}. */
    static ViewerSession serve(Path runs) throws Exception {
        ChromiumRequired.check();
        ViewServer server = ViewServer.start(runs, "127.0.0.1", 0);
        try {
            return new ViewerSession(server, new Browser());
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
    }

    /** The key the server gave the run in the folder named {@code runName}. */
    String key(String runName) {
        return server.runs().entrySet().stream().filter(e -> e.getValue().dir().getFileName().toString().equals(runName))
                .map(Map.Entry::getKey).findFirst().orElseThrow(() -> new AssertionError("no run " + runName + " served"));
    }

    /** A new page at {@code hash} (e.g. "#/run/KEY"), once the viewer has marked {@code rendered} (evalbox-runs, evalbox-run, evalbox-task). */
    Page open(String hash, String rendered) {
        Page page = browser.page();
        page.navigate(server.url() + hash);
        Browser.rendered(page, rendered);
        return page;
    }

    /** The number of task-list rows the run page's filters let through (its own count, not the drawn rows). */
    static int count(Page page) {
        return Integer.parseInt(page.getAttribute("#task-count", "data-count"));
    }

    /** Runs a change of the run page's filters or sort and waits until the page has drawn the list again. */
    static void change(Page page, Runnable action) {
        page.evaluate("() => document.body.removeAttribute('data-rendered')");
        action.run();
        Browser.rendered(page, "evalbox-filter");
    }

    /** The {@code attribute} of every element {@code selector} matches, in document order. */
    static List<String> attributes(Page page, String selector, String attribute) {
        Locator all = page.locator(selector);
        @SuppressWarnings("unchecked")
        List<String> values = (List<String>) all.evaluateAll("(els, a) => els.map(e => e.getAttribute(a))", attribute);
        return values;
    }

    @Override
    public void close() {
        browser.close();
        server.close();
    }
}
