package dev.evalbox.sandbox;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.transport.DockerHttpClient;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.time.Duration;

/** Connects to the Docker engine named by DOCKER_HOST (default: the local unix socket). */
public final class DockerEngine {
    private DockerEngine() { }

    /** A client on the zerodep transport; attach streams each hold a connection, hence the large pool. */
    public static DockerClient connect() {
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        DockerHttpClient http = new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(1024)
                .connectionTimeout(Duration.ofSeconds(10))
                .build();
        return DockerClientImpl.getInstance(config, http);
    }

    /** Whether an engine answers a ping; the reason it does not, otherwise. */
    public static String problem() {
        try (DockerClient client = connect()) {
            client.pingCmd().exec();
            return null;
        } catch (Exception e) {
            String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
            return "no Docker engine answers at " + host + " (" + rootMessage(e) + ")";
        }
    }

    /**
     * The engine's id of an image ({@code sha256:...}) and its registry digests (none for an image built
     * here), for the run record; empty when the image or the engine is not there.
     */
    public static java.util.Optional<ImageIdentity> identify(String image) {
        try (DockerClient client = connect()) {
            var inspected = client.inspectImageCmd(image).exec();
            java.util.List<String> digests = inspected.getRepoDigests() == null ? java.util.List.of() : inspected.getRepoDigests();
            return java.util.Optional.of(new ImageIdentity(inspected.getId(), digests));
        } catch (Exception e) {
            return java.util.Optional.empty();
        }
    }

    /** An image's engine id and registry digests. */
    public record ImageIdentity(String id, java.util.List<String> digests) {
        public ImageIdentity {
            digests = java.util.List.copyOf(digests);
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) t = t.getCause();
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /** Whether the engine runs on this machine (a unix socket or a named pipe), so host paths are its paths too. */
    public static boolean isLocal() {
        String host = System.getenv("DOCKER_HOST");
        return host == null || host.isBlank() || host.startsWith("unix://") || host.startsWith("npipe://");
    }

    /** Whether the engine has the image (false also when no engine answers). */
    public static boolean imageExists(String image) {
        return identify(image).isPresent();
    }
}
