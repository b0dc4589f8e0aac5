package dev.evalbox.cli.bench;

import dev.evalbox.sandbox.SandboxSpec;

/**
 * How much of each measurement to do.
 *
 * @param image           the sandbox image; the anchor runs in a container of the same image
 * @param samples         timed round trips of {@code 1+1}, for evalbox and for the anchor alike
 * @param warmup          untimed round trips before them (imports, caches, JIT)
 * @param acquireSamples  timed acquires from a warm pool (each one costs a container start to refill)
 * @param coldSamples     cold starts (container start to first result)
 * @param idleSandboxes   idle sandboxes whose memory is read
 * @param cells           short cells for the throughput run
 * @param concurrency     sandboxes the throughput run spreads its cells over
 */
public record BenchSettings(String image, int samples, int warmup, int acquireSamples, int coldSamples,
                            int idleSandboxes, int cells, int concurrency) {

    public BenchSettings {
        requirePositive("samples", samples);
        requirePositive("acquire samples", acquireSamples);
        requirePositive("cold samples", coldSamples);
        requirePositive("idle sandboxes", idleSandboxes);
        requirePositive("cells", cells);
        requirePositive("concurrency", concurrency);
        if (warmup < 0) throw new IllegalArgumentException("warm-up must be >= 0, got " + warmup);
    }

    private static void requirePositive(String what, int value) {
        if (value < 1) throw new IllegalArgumentException(what + " must be at least 1, got " + value);
    }

    /** The spec every evalbox sandbox of the benchmark uses: the hardened defaults on the chosen image. */
    public SandboxSpec spec() {
        return SandboxSpec.python().image(image).build();
    }
}
