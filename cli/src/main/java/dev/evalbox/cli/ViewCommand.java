package dev.evalbox.cli;

import dev.evalbox.cli.view.ViewServer;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** `evalbox view`: serves a folder of runs to a browser, live while they are written. */
@Command(name = "view", mixinStandardHelpOptions = true, subcommands = ViewBundleCommand.class,
        description = {"Serve a folder of runs (default runs/) on 127.0.0.1 and print the URL: every run with its status and",
                "headline metrics, each run's metrics by category and difficulty and its tasks with filters, and each task's",
                "whole attempt. Runs being written update live. Ctrl-C stops it. `evalbox view bundle` writes the same pages",
                "as a static site."})
final class ViewCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", arity = "0..1", description = "A folder of runs, or one run directory. Default: runs/.")
    Path dir = Path.of("runs");

    @Option(names = "--port", paramLabel = "P", description = "The port; 0 picks a free one. Default: ${DEFAULT-VALUE}.")
    int port = 8765;

    @Option(names = "--host", paramLabel = "HOST", description = {"The address to listen on. Default: ${DEFAULT-VALUE}.",
            "Any other than a loopback address needs the token the printed URL carries."})
    String host = "127.0.0.1";

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isDirectory(dir)) throw new UserException(dir + " is not a folder: give a folder of runs (evalbox view DIR)");
        ViewServer server;
        try {
            server = ViewServer.start(dir, host, port);
        } catch (BindException e) {
            throw new UserException("cannot listen on " + host + ":" + port + " (" + e.getMessage() + "): choose another with --port, or 0 for any");
        } catch (IOException e) {
            throw new UserException("cannot start the viewer on " + host + ":" + port + ": " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "evalbox-view-stop"));
        PrintWriter out = spec.commandLine().getOut();
        out.println("evalbox view: " + server.url());
        out.println("serving the runs under " + server.folder().root() + (server.token().isPresent()
                ? "; the token in the URL is required from every reader" : "") + " (Ctrl-C stops)");
        out.flush();
        stopped.await();
        return 0;
    }
}
