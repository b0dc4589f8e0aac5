package dev.evalbox.sandbox;

import java.nio.file.Files;
import java.nio.file.Path;

/** The provider contract on the local backend (a child Python process; no Docker needed). */
class LocalProviderContractTest extends SandboxProviderContract {

    @Override
    protected SandboxProvider newProvider() {
        return new LocalSandboxProvider();
    }

    /** A local sandbox is its interpreter ("local-" + pid) and its work dir. */
    @Override
    protected boolean remains(String id, String workDir) {
        long pid = Long.parseLong(id.substring("local-".length()));
        return Files.exists(Path.of(workDir)) || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
