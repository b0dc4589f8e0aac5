package dev.evalbox.cli;

import dev.evalbox.sandbox.SandboxException;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxProviders;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Removes by hand the sandboxes that harnesses now gone left behind (each backend also does it when it starts). */
@Command(name = "reap", mixinStandardHelpOptions = true,
        description = {"Remove the sandboxes of evalbox processes that are gone: Docker containers of dead JVMs of this host,",
                "or pods whose harness stopped renewing its lease (kubernetes). Sandboxes of running harnesses are left alone."})
final class SandboxReapCommand implements Callable<Integer> {
    @Option(names = "--backend", description = "docker, kubernetes, local, ... Default: ${DEFAULT-VALUE}.")
    String backend = "docker";

    @Option(names = "--namespace", description = "kubernetes backend: the namespace to clean. Default: the kubeconfig context's.")
    String namespace;

    @Override
    public Integer call() {
        SandboxSpec spec = SandboxOptions.kubernetes(SandboxSpec.python(), namespace, null).build();
        SandboxProvider provider = SandboxProviders.all().stream().filter(p -> p.name().equals(backend)).findFirst()
                .orElseThrow(() -> new UserException("unknown backend \"" + backend + "\": use " + String.join(", ", SandboxProviders.names())));
        try (provider) {
            SandboxProvider.Availability availability = provider.available(spec);
            if (!availability.ok()) throw new UserException(availability.reason());
            int reaped = provider.reap(spec);
            System.out.println("removed " + reaped + " sandbox(es) left by evalbox processes that are gone");
            return 0;
        } catch (SandboxException e) {
            throw new UserException(e.getMessage());
        }
    }
}
