package dev.evalbox.sandbox;

import dev.evalbox.sandboxtest.SubprocessSandboxProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/** The provider contract on a backend built outside this package from the public seam alone. */
class SubprocessProviderContractTest extends SandboxProviderContract {

    @Override
    protected SandboxProvider newProvider() {
        return new SubprocessSandboxProvider();
    }

    @Override
    protected boolean remains(String id, String workDir) {
        long pid = Long.parseLong(id.substring("sub-".length()));
        return Files.exists(Path.of(workDir)) || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
