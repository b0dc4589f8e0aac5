package dev.evalbox.cli;

import dev.evalbox.cli.view.ViewBundle;
import dev.evalbox.unittests.eval.UserException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `evalbox view bundle`: the viewer's pages as a static site that opens from file:// or any static host. */
@Command(name = "bundle", mixinStandardHelpOptions = true,
        description = {"Write the viewer's pages for a folder of runs as a static site (index.html, the data as scripts, the",
                "runs' artifacts and images), which works from file:// and from any static host. No live updates."})
final class ViewBundleCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", description = "A folder of runs, or one run directory.")
    Path dir;

    @Option(names = "--out", paramLabel = "SITE", required = true, description = "The folder to write the site to.")
    Path out;

    @Override
    public Integer call() {
        if (!Files.isDirectory(dir)) throw new UserException(dir + " is not a folder of runs");
        ViewBundle.Written written = ViewBundle.write(dir, out);
        System.out.println("bundle: " + written.site().toAbsolutePath().resolve("index.html") + " (" + written.runs() + " runs, "
                + written.tasks() + " task pages, " + written.files() + " files)");
        return 0;
    }
}
