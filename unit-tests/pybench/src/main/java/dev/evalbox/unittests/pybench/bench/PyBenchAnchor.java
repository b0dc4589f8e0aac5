package dev.evalbox.unittests.pybench.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import dev.evalbox.sandbox.DockerEngine;
import dev.evalbox.unittests.bench.BenchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PyBench's own grading procedure as the anchor: one plain python3 process in a container of the
 * same image (no evalbox driver, no per-task isolation), the checkout's data/ and the run's output/
 * mounted as its working dir expects. Measures the wall time from container start to its result.
 */
final class PyBenchAnchor {
    /** What the anchor measured: wall time around the container, time inside python3, passes. */
    record Result(double wallSeconds, double processSeconds, int tasks, int passed) { }

    private PyBenchAnchor() { }

    static Result run(String image, Path pybenchDir, Path trajectory, Path outputs) {
        String script = resource("pybench_anchor.py");
        try (DockerClient docker = DockerEngine.connect()) {
            long started = System.nanoTime();
            String id = docker.createContainerCmd(image)
                    .withCmd("python3", "-c", script, "/pb/trajectory.jsonl", "/pb/tests/tests.py")
                    .withWorkingDir("/pb").withUser("1000:1000").withNetworkDisabled(true)
                    .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none").withBinds(List.of(
                            new Bind(pybenchDir.resolve("data").toAbsolutePath().toString(), new Volume("/pb/data"), AccessMode.ro),
                            new Bind(outputs.toAbsolutePath().toString(), new Volume("/pb/output"), AccessMode.ro),
                            new Bind(pybenchDir.resolve("data/unit_test").toAbsolutePath().toString(), new Volume("/pb/tests"), AccessMode.ro),
                            new Bind(trajectory.toAbsolutePath().toString(), new Volume("/pb/trajectory.jsonl"), AccessMode.ro))))
                    .exec().getId();
            try {
                docker.startContainerCmd(id).exec();
                Integer status = docker.waitContainerCmd(id).start().awaitStatusCode(10, TimeUnit.MINUTES);
                double wall = (System.nanoTime() - started) / 1e9;
                String out = logs(docker, id);
                if (status == null || status != 0) throw new BenchException("the PyBench anchor failed (exit " + status + "): " + out);
                String last = out.strip().lines().reduce((a, b) -> b).orElse("{}");
                JsonNode result = new ObjectMapper().readTree(last);
                return new Result(wall, result.path("seconds").asDouble(), result.path("tasks").asInt(), result.path("passed").asInt());
            } finally {
                docker.removeContainerCmd(id).withForce(true).exec();
            }
        } catch (IOException e) {
            throw new BenchException("the PyBench anchor's output could not be read: " + e.getMessage());
        }
    }

    private static String logs(DockerClient docker, String id) {
        StringBuilder text = new StringBuilder();
        try {
            docker.logContainerCmd(id).withStdOut(true).withStdErr(true).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return text.toString();
    }

    private static String resource(String name) {
        try (InputStream in = PyBenchAnchor.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the evalbox-cli jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
