package dev.evalbox.cli;

import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxProviders;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.eval.UserException;
import java.io.PrintWriter;
import java.util.List;

/**
 * --backend for the commands: the choosing is {@link SandboxProviders}' (by name, or "auto" for the
 * best available); this turns its refusals into user errors and prints its notes.
 */
final class BackendChoice {
    private BackendChoice() { }

    static SandboxProvider open(String backend, String image, PrintWriter err) {
        SandboxSpec spec = SandboxSpec.python().image(image).build();
        try {
            return SandboxProviders.open(backend, spec, note -> err.println("note: " + note));
        } catch (SandboxProviders.BackendUnavailableException e) {
            if (!SandboxProviders.names().contains(backend) || SandboxProviders.AUTO.equals(backend)) throw new UserException(e.getMessage());
            List<String> others = SandboxProviders.all().stream()
                    .filter(p -> !p.name().equals(backend) && p.available(spec).ok()).map(p -> "--backend " + p.name()).toList();
            throw new UserException(e.getMessage() + (others.isEmpty() ? "" : ", or use " + String.join(" or ", others)));
        }
    }
}
