package dev.evalbox.unittests.artifactsbench;

import com.microsoft.playwright.Playwright;
import java.util.Map;

/**
 * Starts Playwright with the system Chromium in mind (no browser download). Playwright looks for its
 * driver among the resources of the thread's context class loader; in the distribution this module is
 * on a class loader of its own (benchmarks/artifactsbench/), which the calling thread's context loader
 * does not see, so the start runs with this module's loader as the context.
 */
final class Playwrights {
    private Playwrights() { }

    static Playwright create() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(Playwrights.class.getClassLoader());
        try {
            return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        } finally {
            thread.setContextClassLoader(before);
        }
    }
}
