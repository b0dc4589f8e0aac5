package dev.evalbox.cli;

import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxProviders;
import dev.evalbox.sandbox.SandboxSpec;
import java.io.PrintWriter;

/**
 * --backend for the commands: the choosing is {@link SandboxProviders}' (by name, or "auto" for the
 * best available); this turns its refusals into user errors and prints its notes.
 */
final class BackendChoice {
    private BackendChoice() { }

    static SandboxProvider open(String backend, String image, PrintWriter err) {
        try {
            return SandboxProviders.open(backend, SandboxSpec.python().image(image).build(), note -> err.println("note: " + note));
        } catch (SandboxProviders.BackendUnavailableException e) {
            throw new UserException(e.getMessage());
        }
    }
}
