package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.sandbox.DockerRequired;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code evalbox image push REGISTRY/evalbox/python:TAG} against a registry this test serves on loopback (Docker
 * speaks plain HTTP to 127.0.0.1 without configuration). The registry answers the Docker Registry HTTP API v2 far
 * enough for a push to reach it and then refuses the first upload as a registry without the right would: the
 * image is some gigabytes, too much to send in a test, so a successful push is not shown here. What is: the image of
 * the current definition is tagged as asked, the push goes to the registry named, and its refusal ends in one line
 * naming the command (after Docker's own output, the registry's reason in it), with exit status 1.
 */
@Tag("docker")
class ImagePushTest {

    @Test
    void aPushGoesToTheRegistryNamedAndItsRefusalIsOneLine() throws Exception {
        DockerRequired.check();
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer registry = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        registry.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            seen.add(exchange.getRequestMethod() + " " + path);
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Docker-Distribution-API-Version", "registry/2.0");
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            byte[] body;
            int status;
            if (path.equals("/v2/")) {
                status = 200;
                body = "{}".getBytes(StandardCharsets.UTF_8);
            } else if (exchange.getRequestMethod().equals("POST") && path.contains("/blobs/uploads")) {
                status = 403; // denied: not retried by Docker, unlike a 5xx
                body = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"this test registry takes no uploads\"}]}".getBytes(StandardCharsets.UTF_8);
            } else {
                status = 404;
                body = "{\"errors\":[{\"code\":\"BLOB_UNKNOWN\",\"message\":\"unknown\"}]}".getBytes(StandardCharsets.UTF_8);
            }
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.sendResponseHeaders(status, -1);
            } else {
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        registry.start();
        String target = "127.0.0.1:" + registry.getAddress().getPort() + "/evalbox/python:push-test";
        try {
            CommandRunner.Result push = CommandRunner.run("image", "push", target);
            assertEquals(1, push.exitCode(), push.out() + push.err());
            // Docker's own output is shown as it comes (its reason, from the registry), then evalbox's one line
            List<String> lines = push.err().strip().lines().toList();
            assertTrue(lines.get(lines.size() - 1).startsWith("evalbox: `docker push " + target + "` failed (exit 1)"), push.err());
            assertTrue(push.err().contains("this test registry takes no uploads") && !push.err().contains("\tat "), push.err());
            assertTrue(seen.contains("GET /v2/"), "the push reached the registry named: " + seen);
            assertTrue(seen.stream().anyMatch(r -> r.startsWith("POST /v2/evalbox/python/blobs/uploads")), "and began an upload there: " + seen);
            String tagged = HostCommand.of("docker", "image", "inspect", "--format", "{{.Id}}", target).timeout(Duration.ofMinutes(1)).run().lastLine();
            String current = HostCommand.of("docker", "image", "inspect", "--format", "{{.Id}}", ImageDefinition.locate().tag())
                    .timeout(Duration.ofMinutes(1)).run().lastLine();
            assertTrue(!tagged.isEmpty() && tagged.equals(current), "the target names the image of the current definition: " + tagged + " / " + current);
        } finally {
            registry.stop(0);
            HostCommand.of("docker", "image", "rm", target).timeout(Duration.ofMinutes(1)).run();
        }
    }
}
