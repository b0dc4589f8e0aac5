package dev.evalbox.cli;

import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The sandbox image definition (images/python) and its content hash, which is the image's tag.
 * The hash must match images/python/build.sh: sha256 of packages.txt, setup-rootfs.sh and Dockerfile, in that order.
 */
record ImageDefinition(Path directory) {
    static final String REPOSITORY = "evalbox/python";
    static final List<String> HASHED_FILES = List.of("packages.txt", "setup-rootfs.sh", "Dockerfile");

    /** Finds images/python in the distribution (EVALBOX_HOME) or in the source tree around the working dir. */
    static ImageDefinition locate() {
        String home = System.getenv("EVALBOX_HOME");
        if (home != null && Files.isDirectory(Path.of(home, "images", "python"))) {
            return new ImageDefinition(Path.of(home, "images", "python"));
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("images/python/build.sh"))) return new ImageDefinition(dir.resolve("images/python"));
        }
        throw new UserException("cannot find the image definition images/python (set EVALBOX_HOME to the evalbox distribution)");
    }

    String contentHash() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String name : HASHED_FILES) digest.update(Files.readAllBytes(directory.resolve(name)));
            return HexFormat.of().formatHex(digest.digest()).substring(0, 12);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the image definition in " + directory, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    String tag() { return REPOSITORY + ":" + contentHash(); }

    Path buildScript() { return directory.resolve("build.sh"); }
}
