package dev.evalbox.sandbox;

import static dev.evalbox.sandbox.HostileCodeTest.containerExists;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;

/** The provider contract on Docker. */
@Tag("docker")
class DockerProviderContractTest extends SandboxProviderContract {
    private DockerClient docker;

    @Override
    protected SandboxProvider newProvider() {
        DockerRequired.check();
        docker = DockerEngine.connect();
        return new DockerSandboxProvider();
    }

    @Override
    protected boolean remains(String id, String workDir) {
        return containerExists(docker, id);
    }

    @AfterAll
    void closeClient() throws IOException {
        if (docker != null) docker.close();
    }
}
