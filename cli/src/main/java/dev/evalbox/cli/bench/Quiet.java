package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.unittests.bench.BenchException;

/**
 * Closing a sandbox removes its container in the background. Before a timing that the engine's
 * load would disturb, wait for those removals so each sample starts on a quiet engine. The wait is
 * capped: {@code liveContainers()} counts the containers of every provider in this JVM, not only
 * this one's, and those need not go away.
 */
final class Quiet {
    private static final long MAX_WAIT_MILLIS = 30_000;

    private Quiet() { }

    static void awaitNoContainers(DockerSandboxProvider provider) {
        long deadline = System.currentTimeMillis() + MAX_WAIT_MILLIS;
        while (!provider.liveContainers().isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BenchException("interrupted");
            }
        }
    }
}
