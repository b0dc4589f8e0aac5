package dev.evalbox.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.unittests.bench.BenchException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The anchor: Jupyter's own pipe (jupyter_client's BlockingKernelClient -> ipykernel over ZMQ),
 * timed by {@code anchor_roundtrip.py} inside ONE container of the same image, client and kernel
 * side by side on the container's loopback. The script times blocks of round trips on request
 * (a number on its stdin, a JSON line on its stdout), so they can be interleaved with evalbox's.
 *
 * <p>The anchor gets every advantage evalbox does not: its client sits next to the kernel (no
 * Docker attach hop, which evalbox's timing includes), and its container has no CPU limit (an
 * evalbox sandbox has 1 CPU), so a speed-up over it is not an artefact of a handicapped anchor.
 */
final class KernelAnchor implements AutoCloseable {
    private static final String LABEL = "evalbox.bench";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long START_TIMEOUT_SECONDS = 120;
    /** Put on the line queue when the container's output ends, so a waiting reader fails at once. */
    private static final String ENDED = "\u0000ended";

    /** The versions that measured, and how. */
    record Info(String python, String ipykernel, String jupyterClient, String method) { }

    private final DockerClient client;
    private final String containerId;
    private final Consumer<String> progress;
    private final PipedOutputStream stdin = new PipedOutputStream();
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final ResultCallback.Adapter<Frame> frames = new ResultCallback.Adapter<>() {
        @Override
        public void onNext(Frame frame) {
            switch (frame.getStreamType()) {
                case STDERR -> {
                    synchronized (stderr) {
                        stderr.writeBytes(frame.getPayload());
                    }
                }
                default -> splitLines(frame.getPayload());
            }
        }

        @Override
        public void onComplete() {
            lines.add(ENDED);
        }

        @Override
        public void onError(Throwable throwable) {
            lines.add(ENDED);
        }
    };
    private Info info;

    private KernelAnchor(DockerClient client, String containerId, Consumer<String> progress) {
        this.client = client;
        this.containerId = containerId;
        this.progress = progress;
    }

    /** Starts the container, the kernel and the warm-up; returns when the anchor is ready to time. */
    static KernelAnchor start(BenchSettings settings, Consumer<String> progress) {
        progress.accept("anchor: starting jupyter_client + ipykernel in a container of " + settings.image()
                + " (" + settings.warmup() + " warm-up round trips)");
        DockerClient client = DockerEngine.connect();
        String containerId;
        try {
            containerId = client.createContainerCmd(settings.image())
                    .withCmd("python3", "-c", script(), Integer.toString(settings.warmup()))
                    .withUser("1000:1000")
                    // HOME for IPython's profile and Jupyter's runtime dir (connection files);
                    // PYDEVD_... silences debugpy's frozen-modules warning on every kernel start.
                    .withEnv("HOME=/tmp", "PYDEVD_DISABLE_FILE_VALIDATION=1")
                    .withLabels(Map.of(LABEL, "anchor"))
                    .withNetworkDisabled(true)
                    .withAttachStdin(true).withAttachStdout(true).withAttachStderr(true)
                    // stdin closes when this JVM detaches, for whatever reason; the script then ends and
                    // auto-remove takes the container away even if close() never ran.
                    .withStdinOpen(true).withStdInOnce(true)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withInit(true).withAutoRemove(true))
                    .exec().getId();
        } catch (NotFoundException e) {
            closeQuietly(client);
            throw new BenchException("the image " + settings.image() + " is not on this Docker engine: build it with `evalbox image build`", e);
        } catch (RuntimeException e) {
            closeQuietly(client);
            throw new BenchException("cannot create the anchor container: " + e.getMessage(), e);
        }
        KernelAnchor anchor = new KernelAnchor(client, containerId, progress);
        try {
            anchor.attachAndStart();
            anchor.info = anchor.awaitReady();
            return anchor;
        } catch (RuntimeException e) {
            anchor.close();
            throw e;
        }
    }

    Info info() { return info; }

    /** Times {@code count} round trips in the anchor, now. */
    List<Double> roundTrips(int count) {
        try {
            stdin.write((count + "\n").getBytes(StandardCharsets.US_ASCII));
            stdin.flush(); // a piped stream wakes its reader only on flush
        } catch (IOException e) {
            throw new BenchException("the anchor no longer takes requests: " + e.getMessage() + stderrTail(), e);
        }
        JsonNode answer = nextJson(60 + count / 10L);
        List<Double> millis = new ArrayList<>(count);
        answer.path("samples_ms").forEach(n -> millis.add(n.asDouble()));
        if (millis.size() != count) throw new BenchException("the anchor returned " + millis.size() + " timings instead of " + count);
        return millis;
    }

    /** Attaches before starting (as the sandbox backend does), so no output can be missed. */
    private void attachAndStart() {
        try {
            client.attachContainerCmd(containerId).withStdIn(new PipedInputStream(stdin, 4096))
                    .withStdOut(true).withStdErr(true).withFollowStream(true).withLogs(true).exec(frames);
            if (!frames.awaitStarted(30, TimeUnit.SECONDS)) throw new BenchException("attaching to the anchor container timed out");
            client.startContainerCmd(containerId).exec();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while starting the anchor");
        }
    }

    private Info awaitReady() {
        JsonNode ready = nextJson(START_TIMEOUT_SECONDS);
        if (!ready.path("ready").asBoolean()) throw new BenchException("the anchor did not start: " + ready + stderrTail());
        return new Info(ready.path("python").asText(), ready.path("ipykernel").asText(),
                ready.path("jupyter_client").asText(), ready.path("method").asText());
    }

    private JsonNode nextJson(long timeoutSeconds) {
        String line;
        try {
            line = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted while waiting for the anchor");
        }
        if (line == null) throw new BenchException("the anchor did not answer within " + timeoutSeconds + " s" + stderrTail());
        if (line.equals(ENDED)) {
            lines.add(ENDED);
            throw new BenchException("the anchor ended" + stderrTail());
        }
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new BenchException("the anchor printed something that is not JSON: " + line + stderrTail(), e);
        }
    }

    /** Called on docker-java's stream thread only. */
    private void splitLines(byte[] payload) {
        for (byte b : payload) {
            if (b == '\n') {
                lines.add(partialLine.toString(StandardCharsets.UTF_8));
                partialLine.reset();
            } else {
                partialLine.write(b);
            }
        }
    }

    private String stderrTail() {
        String text;
        synchronized (stderr) {
            text = stderr.toString(StandardCharsets.UTF_8).strip();
        }
        if (text.isEmpty()) return "";
        return "; its stderr:\n" + (text.length() > 3000 ? "..." + text.substring(text.length() - 3000) : text);
    }

    /** Ends the script (end of input) and removes the container, whatever state it is in. */
    @Override
    public void close() {
        try {
            stdin.close();
        } catch (IOException e) {
            // the container goes below either way
        }
        try {
            frames.close();
        } catch (IOException e) {
            // same
        }
        try {
            client.removeContainerCmd(containerId).withForce(true).exec();
        } catch (NotFoundException e) {
            // auto-removed when it exited
        } catch (RuntimeException e) {
            // "removal already in progress" is auto-remove at work; anything else is worth a word
            if (!String.valueOf(e.getMessage()).contains("already in progress")) {
                progress.accept("warning: could not remove the anchor container " + containerId.substring(0, 12)
                        + ": " + e.getMessage() + " (remove it with `docker rm -f " + containerId.substring(0, 12) + "`)");
            }
        } finally {
            closeQuietly(client);
        }
    }

    private static void closeQuietly(DockerClient client) {
        try {
            client.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }

    static String script() {
        try (InputStream in = KernelAnchor.class.getResourceAsStream("anchor_roundtrip.py")) {
            if (in == null) throw new IllegalStateException("anchor_roundtrip.py is missing from the evalbox jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("reading anchor_roundtrip.py", e);
        }
    }
}
