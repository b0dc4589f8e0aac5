package dev.evalbox.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Uploads a spec's {@link SandboxSpec.Input inputs} into a session that has just started, through
 * the driver like any upload (for backends that do not place them themselves). The requests are pipelined (a window of them in flight, which the
 * driver answers in order) rather than sent one by one: a grading sandbox starts with tens of
 * megabytes in hundreds of files, and waiting for each reply would pay a round trip per chunk.
 */
final class SandboxFiles {
    private static final int CHUNK = 1 << 20;
    private static final int WINDOW = 8;
    private static final Duration REPLY_TIMEOUT = Duration.ofSeconds(60);

    private final DriverConnection connection;
    private final Deque<Pending> inFlight = new ArrayDeque<>();

    private record Pending(String what, CompletableFuture<JsonNode> reply) { }

    private SandboxFiles(DriverConnection connection) { this.connection = connection; }

    static void place(List<SandboxSpec.Input> copies, DriverConnection connection) {
        if (copies.isEmpty()) return;
        SandboxFiles files = new SandboxFiles(connection);
        for (SandboxSpec.Input copy : copies) {
            Path host = copy.hostPath();
            if (Files.isRegularFile(host)) {
                files.upload(host, copy.sandboxPath());
            } else if (Files.isDirectory(host)) {
                files.copyTree(host, copy.sandboxPath());
            } else {
                throw new SandboxException("cannot give the sandbox " + host + ": it does not exist");
            }
        }
        files.drain(0);
    }

    private void copyTree(Path root, String sandboxRoot) {
        String base = sandboxRoot.replaceAll("/+$", "");
        request("mkdir_request", base, DriverConnection.content().put("path", base));
        List<Path> entries;
        try (Stream<Path> walk = Files.walk(root)) {
            entries = walk.filter(p -> !p.equals(root)).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new SandboxException("cannot read " + root + " to copy it into the sandbox: " + e.getMessage(), e);
        }
        for (Path entry : entries) {
            String target = base + "/" + root.relativize(entry).toString().replace(java.io.File.separatorChar, '/');
            if (Files.isDirectory(entry)) {
                request("mkdir_request", target, DriverConnection.content().put("path", target)); // empty ones too
            } else if (Files.isRegularFile(entry)) {
                upload(entry, target); // the driver creates the parents
            }
        }
    }

    private void upload(Path file, String target) {
        try (InputStream in = Files.newInputStream(file)) {
            boolean append = false;
            do {
                byte[] chunk = in.readNBytes(CHUNK);
                if (chunk.length == 0 && append) break;
                request("upload_request", target, DriverConnection.content().put("path", target).put("append", append)
                        .put("data", Base64.getEncoder().encodeToString(chunk)));
                append = true;
                if (chunk.length < CHUNK) break;
            } while (true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " to copy it into the sandbox", e);
        }
    }

    private void request(String msgType, String what, com.fasterxml.jackson.databind.node.ObjectNode content) {
        drain(WINDOW - 1);
        inFlight.add(new Pending(msgType + " " + what, connection.send(msgType, content)));
    }

    /** Waits for replies until at most {@code left} requests are in flight. */
    private void drain(int left) {
        while (inFlight.size() > left) {
            Pending pending = inFlight.poll();
            try {
                connection.await(pending.what().split(" ")[0], pending.reply(), REPLY_TIMEOUT);
            } catch (SandboxException e) {
                throw new SandboxException("cannot upload the spec's inputs into the sandbox (" + pending.what() + "): " + e.getMessage(), e);
            }
        }
    }
}
