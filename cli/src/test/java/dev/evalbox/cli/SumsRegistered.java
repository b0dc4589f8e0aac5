package dev.evalbox.cli;

import dev.evalbox.unittests.eval.Benchmarks;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * For a test class ({@code @ExtendWith(SumsRegistered.class)}): the single-file Sums benchmark of
 * {@link SingleFileBenchmarkTest} is known to `evalbox run` while the class runs, and forgotten after it.
 */
public final class SumsRegistered implements BeforeAllCallback, AfterAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        System.setProperty(Benchmarks.PROPERTY, SingleFileBenchmarkTest.Sums.class.getName());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        System.clearProperty(Benchmarks.PROPERTY);
    }
}
