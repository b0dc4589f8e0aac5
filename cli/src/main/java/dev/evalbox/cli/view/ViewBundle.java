package dev.evalbox.cli.view;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.view.RunFolder;
import dev.evalbox.unittests.view.RunIndex;
import dev.evalbox.unittests.view.ViewAssets;
import dev.evalbox.unittests.view.ViewData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * `evalbox view bundle`: the viewer's pages as a static site, the same page and script with the data
 * written as scripts (data/...), the compare pages of every two runs of one benchmark included, and the
 * runs' artifacts and images copied (files/KEY/...), so that it opens from file:// and from any static host. Symbolic links in a run are not followed.
 */
public final class ViewBundle {
    /** What was written. */
    public record Written(Path site, int runs, int tasks, int files) { }

    private ViewBundle() { }

    public static Written write(Path folder, Path site) {
        try {
            ViewData data = new ViewData(new RunFolder(folder));
            Files.createDirectories(site.resolve("assets"));
            for (String name : ViewAssets.NAMES) Files.write(site.resolve(name), ViewAssets.bytes(name));
            Files.writeString(site.resolve("live.js"), ViewAssets.live(false), StandardCharsets.UTF_8);
            write(site, "data/runs.js", data.runs());
            int tasks = 0;
            int files = 0;
            Map<String, RunIndex> runs = new TreeMap<>(data.folder().scan());
            for (Map.Entry<String, RunIndex> run : runs.entrySet()) {
                String key = run.getKey();
                Path runScript = site.resolve("data/run/" + key + ".js");
                Files.createDirectories(runScript.getParent());
                Files.write(runScript, data.runScript("data/run/" + key + ".js", key, 0));
                for (int n = 0; n < run.getValue().taskCount(); n++) {
                    write(site, "data/task/" + key + "/" + n + ".js", data.task(key, n, file -> ViewAssets.fileLink(key, file)));
                    tasks++;
                }
                for (String dir : List.of("artifacts", "images")) files += copy(run.getValue().dir(), dir, site.resolve("files").resolve(key));
            }
            // the compare pages the runs page offers: every two runs of one benchmark, either way round
            for (Map.Entry<String, RunIndex> a : runs.entrySet()) {
                for (Map.Entry<String, RunIndex> b : runs.entrySet()) {
                    if (a.getKey().equals(b.getKey())
                            || !Objects.equals(a.getValue().header().benchmark(), b.getValue().header().benchmark())) continue;
                    ObjectNode compared = data.compare(a.getKey(), b.getKey());
                    if (compared != null) write(site, "data/compare/" + a.getKey() + "/" + b.getKey() + ".js", compared);
                }
            }
            return new Written(site, runs.size(), tasks, files);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the bundle to " + site + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path site, String name, ObjectNode payload) throws IOException {
        Path file = site.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, ViewData.script(name, payload), StandardCharsets.UTF_8);
    }

    private static int copy(Path runDir, String dir, Path target) throws IOException {
        Path from = runDir.resolve(dir);
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) return 0;
        int copied = 0;
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path file : (Iterable<Path>) walk::iterator) {
                if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) continue;
                Path to = target.resolve(runDir.relativize(file).toString());
                Files.createDirectories(to.getParent());
                Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                copied++;
            }
        }
        return copied;
    }
}
