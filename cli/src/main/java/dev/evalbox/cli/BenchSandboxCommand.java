package dev.evalbox.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Sandbox speed benchmark (being written). */
@Command(name = "sandbox", mixinStandardHelpOptions = true, description = "Sandbox speed: cell round trip, acquire, memory, throughput.")
final class BenchSandboxCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UserException("evalbox bench sandbox is not implemented yet");
    }
}
