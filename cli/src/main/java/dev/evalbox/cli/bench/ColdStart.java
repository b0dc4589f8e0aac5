package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.Sandbox;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cold start to first result: from {@code provider.open(spec)} (create, attach, start the
 * container, driver ready) to the result of the first {@code 1+1}. What a caller pays when no
 * warm sandbox is waiting.
 */
final class ColdStart {
    private ColdStart() { }

    static Percentiles measure(DockerSandboxProvider provider, BenchSettings settings, Consumer<String> progress) {
        progress.accept("cold start to first result: " + settings.coldSamples() + " sandboxes, one at a time");
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < settings.coldSamples(); i++) {
            Quiet.awaitNoContainers(provider);
            long started = System.nanoTime();
            try (Sandbox sandbox = provider.open(settings.spec())) {
                Cells.run(sandbox, Cells.ROUND_TRIP, "2");
                millis.add((System.nanoTime() - started) / 1e6);
            }
        }
        return Percentiles.of(millis);
    }
}
