package dev.evalbox.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Copies a spec's {@link SandboxSpec.FileCopy files} into a session that has just started. */
final class SandboxFiles {
    private SandboxFiles() { }

    static void place(List<SandboxSpec.FileCopy> copies, Sandbox sandbox) {
        for (SandboxSpec.FileCopy copy : copies) {
            Path host = copy.hostPath();
            if (Files.isRegularFile(host)) {
                sandbox.upload(host, copy.sandboxPath());
            } else if (Files.isDirectory(host)) {
                copyTree(host, copy.sandboxPath(), sandbox);
            } else {
                throw new SandboxException("cannot copy " + host + " into the sandbox: it does not exist");
            }
        }
    }

    private static void copyTree(Path root, String sandboxRoot, Sandbox sandbox) {
        String base = sandboxRoot.replaceAll("/+$", "");
        sandbox.makeDirectories(base);
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.filter(p -> !p.equals(root)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new SandboxException("cannot read " + root + " to copy it into the sandbox: " + e.getMessage(), e);
        }
        for (Path entry : entries) {
            String target = base + "/" + root.relativize(entry).toString().replace(java.io.File.separatorChar, '/');
            if (Files.isDirectory(entry)) {
                sandbox.makeDirectories(target); // empty ones too: code may write into them
            } else if (Files.isRegularFile(entry)) {
                sandbox.upload(entry, target); // upload creates the parents
            }
        }
    }
}
