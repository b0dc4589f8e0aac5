package dev.evalbox.unittests.bench;

import dev.evalbox.unittests.eval.Benchmarks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A headless Chromium that a speed check drives (open a page, fill a field, wait for a mark, read a
 * value), for the checks that time evalbox's own pages. The browser library lives with the benchmark
 * that renders pages, so that it is on no other class path; it provides this through {@link Launcher},
 * found with {@link ServiceLoader} wherever {@link Benchmarks} finds benchmarks. Only for pages evalbox
 * serves itself: model-written pages are rendered in the isolated browser of their benchmark.
 */
public interface HeadlessBrowser extends AutoCloseable {

    /** One page of the browser. */
    interface Tab extends AutoCloseable {
        void navigate(String url);

        /** Runs {@code function} (a JavaScript function expression) with {@code argument}; its result as Java values. */
        Object evaluate(String function, Object argument);

        /** Chooses {@code value} in the {@code <select>} that {@code selector} names. */
        void select(String selector, String value);

        /** Types {@code text} into the field that {@code selector} names. */
        void fill(String selector, String text);

        /** Waits until an element matches {@code selector}. */
        void waitFor(String selector, Duration timeout);

        @Override
        void close();
    }

    Tab newTab();

    @Override
    void close();

    /** Starts browsers; implemented where the browser library is. */
    interface Launcher {
        HeadlessBrowser launch(Path chromium, List<String> arguments);
    }

    /** Launches {@code chromium} through the first {@link Launcher} found; a clear error when none is installed. */
    static HeadlessBrowser launch(Path chromium, List<String> arguments) {
        for (ClassLoader loader : Benchmarks.loaders()) {
            for (Launcher launcher : ServiceLoader.load(Launcher.class, loader)) return launcher.launch(chromium, arguments);
        }
        throw new BenchException("no headless browser is installed: it comes with the ArtifactsBench module (benchmarks/artifactsbench)");
    }
}
