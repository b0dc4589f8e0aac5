package dev.evalbox.unittests.view;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runs under one folder (a run directory itself, or folders of runs a few levels deep, as
 * `evalbox demo` nests them), each with its {@link RunIndex} under a key made from its path. Keys are
 * the only way a page names a run: nothing a request carries is resolved as a path.
 */
public final class RunFolder {
    private static final int DEPTH = 4;

    private final Path root;
    private final Map<String, RunIndex> runs = new LinkedHashMap<>();

    public RunFolder(Path root) {
        try {
            this.root = root.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the folder of runs " + root, e);
        }
    }

    public Path root() { return root; }

    /** Looks for runs again (new ones appear while the viewer is open) and returns all, by key. */
    public synchronized Map<String, RunIndex> scan() {
        List<Path> found = new ArrayList<>();
        find(root, 0, found);
        for (Path dir : found) runs.computeIfAbsent(key(dir), k -> new RunIndex(dir));
        runs.values().removeIf(index -> !RunIndex.isRun(index.dir()));
        return Map.copyOf(runs);
    }

    /** The run of a key seen by a scan, or null. */
    public synchronized RunIndex run(String key) {
        if (!runs.containsKey(key)) scan();
        return runs.get(key);
    }

    /** The run's path relative to the folder, "." for the folder itself. */
    public String relative(RunIndex run) {
        String rel = root.relativize(run.dir()).toString().replace('\\', '/');
        return rel.isEmpty() ? "." : rel;
    }

    private static void find(Path dir, int depth, List<Path> found) {
        if (RunIndex.isRun(dir)) found.add(dir);
        // a run's own folders (artifacts, output) hold no runs; a folder with only a run.json (a run just started,
        // a demo session's record) may hold runs below it
        if (Files.isRegularFile(dir.resolve("results.jsonl"))) return;
        if (depth >= DEPTH) return;
        try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
            List<Path> sorted = new ArrayList<>();
            // symbolic links are not followed: a link cannot bring a folder outside the served one into view
            for (Path child : children) {
                if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS) && !child.getFileName().toString().startsWith(".")) sorted.add(child);
            }
            sorted.sort(null);
            for (Path child : sorted) find(child, depth + 1, found);
        } catch (IOException e) {
            // a folder we may not read is left out, as `ls` would
        }
    }

    /** A short, file-name-safe key for a run path (the bundle uses it as a folder name). */
    String key(Path dir) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(root.relativize(dir).toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
