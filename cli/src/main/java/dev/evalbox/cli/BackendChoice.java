package dev.evalbox.cli;

import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.LocalSandboxProvider;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.eval.UserException;
import java.io.PrintWriter;

/** Picks the sandbox backend: Docker where an engine answers and has the image, the local backend otherwise. */
final class BackendChoice {
    private BackendChoice() { }

    static SandboxProvider open(String backend, String image, PrintWriter err) {
        switch (backend) {
            case "docker" -> {
                String problem = DockerEngine.problem();
                if (problem != null) {
                    throw new UserException(problem + "; start it with scripts/ensure-docker.sh, or use --backend local");
                }
                return new DockerSandboxProvider();
            }
            case "local" -> {
                return new LocalSandboxProvider();
            }
            case "auto" -> {
                String problem = DockerEngine.problem();
                if (problem == null && !ImageStore.exists(image)) {
                    problem = "the sandbox image " + image + " is not built (run `evalbox image build`)";
                }
                if (problem == null) return new DockerSandboxProvider();
                err.println("note: using the local backend, which is NOT isolated: " + problem + ".");
                return new LocalSandboxProvider();
            }
            default -> throw new UserException("unknown backend \"" + backend + "\": use docker, local or auto");
        }
    }
}
