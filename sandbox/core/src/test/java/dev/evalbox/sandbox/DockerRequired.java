package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.Assumptions;

/**
 * Gate for tests tagged "docker": they need an engine and the sandbox image. With
 * EVALBOX_REQUIRE_DOCKER=1 (set by scripts/test.sh) a missing engine fails the test instead of
 * skipping it, so the full suite cannot pass by skipping.
 */
public final class DockerRequired {
    private DockerRequired() { }

    /** Call from @BeforeAll. */
    public static void check() {
        String problem = DockerEngine.problem();
        if (problem == null) {
            try (DockerClient client = DockerEngine.connect()) {
                client.inspectImageCmd(SandboxSpec.DEFAULT_IMAGE).exec();
            } catch (NotFoundException e) {
                problem = "the sandbox image " + SandboxSpec.DEFAULT_IMAGE + " is not built (run scripts/setup.sh image)";
            } catch (Exception e) {
                problem = "cannot inspect the sandbox image: " + e.getMessage();
            }
        }
        if (problem == null) return;
        if ("1".equals(System.getenv("EVALBOX_REQUIRE_DOCKER"))) {
            fail("Docker tests are required (EVALBOX_REQUIRE_DOCKER=1) but " + problem);
        }
        Assumptions.abort("skipping Docker tests: " + problem + " (scripts/test.sh sets everything up)");
    }
}
