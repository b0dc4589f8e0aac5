package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.model.ContainerNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.ImagePullPolicy;
import org.testcontainers.utility.DockerImageName;

/**
 * A sandbox reaches no listener, on any network: a listener container (Testcontainers, the sandbox image) on a
 * Docker network of its own and on Docker's default bridge is reachable from a sandbox that joins either network,
 * and not from a sandbox with the default spec ({@code --network none}), which the listener never sees.
 */
@Tag("docker")
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class NetworkIsolationContainerTest {
    private static final int PORT = 8000;
    /** No registry is reachable here: the fixture uses the locally built image and never pulls. */
    private static final ImagePullPolicy NEVER_PULL = image -> false;
    /** Logs each connection's peer and answers it. SIGALRM ends it if the JVM that started it dies first. */
    private static final String LISTENER = String.join("\n",
            "import signal, socket",
            "signal.alarm(900)",
            "s = socket.socket()",
            "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)",
            "s.bind(('0.0.0.0', " + PORT + "))",
            "s.listen(16)",
            "print('listening', flush=True)",
            "while True:",
            "    c, (peer, _) = s.accept()",
            "    print('accepted ' + peer, flush=True)",
            "    c.sendall(b'hello from the listener\\n')",
            "    c.close()");

    private static Network network;
    private static GenericContainer<?> listener;
    /** The listener's address on each network it is on, by network name. */
    private static final Map<String, String> addresses = new LinkedHashMap<>();
    private static DockerSandboxProvider provider;

    @BeforeAll
    static void startListener() {
        DockerRequired.check();
        // Without these Testcontainers would pull images of its own (testcontainers/ryuk, alpine) and fail after minutes.
        for (String variable : List.of("TESTCONTAINERS_RYUK_DISABLED", "TESTCONTAINERS_CHECKS_DISABLE", "TESTCONTAINERS_HOST_OVERRIDE")) {
            if (System.getenv(variable) == null || System.getenv(variable).isBlank()) {
                fail(variable + " is not set: Testcontainers would try to pull an image of its own, and no registry answers"
                        + " here. Run the test through Maven (sandbox/pom.xml sets it) or scripts/test.sh.");
            }
        }
        network = Network.newNetwork();
        listener = new GenericContainer<>(DockerImageName.parse(SandboxSpec.DEFAULT_IMAGE))
                .withImagePullPolicy(NEVER_PULL)
                .withNetwork(network)
                .withCommand("python3", "-c", LISTENER)
                .waitingFor(Wait.forLogMessage("listening\\n", 1).withStartupTimeout(Duration.ofMinutes(2)));
        listener.start();
        // Also on the default bridge, where a sandbox would be if its spec lost `--network none`.
        listener.getDockerClient().connectToNetworkCmd().withContainerId(listener.getContainerId()).withNetworkId("bridge").exec();
        Map<String, ContainerNetwork> networks = listener.getDockerClient().inspectContainerCmd(listener.getContainerId()).exec()
                .getNetworkSettings().getNetworks();
        networks.forEach((name, attached) -> addresses.put(name, attached.getIpAddress()));
        assertEquals(2, addresses.size(), "the listener is on its own network and the bridge: " + addresses);
        provider = new DockerSandboxProvider();
    }

    @AfterAll
    static void stop() {
        if (provider != null) provider.close();
        if (listener != null) listener.stop();
        if (network != null) network.close();
    }

    @Test
    void aSandboxWithTheDefaultSpecReachesTheListenerOnNoNetwork() {
        int seenBefore = accepted().size();
        try (Sandbox sandbox = provider.open(spec().build())) {
            ExecutionResult result = sandbox.execute(attempts(List.copyOf(addresses.values())));
            assertTrue(result.ok(), result.toString());
            // ENETUNREACH: the sandbox has no route at all (only loopback), not a connection refused or dropped on the way.
            List<String> expected = addresses.values().stream().map(a -> a + " blocked ENETUNREACH").toList();
            assertEquals(expected, result.stdout().lines().toList(), result.toString());
        }
        assertEquals(seenBefore, accepted().size(), "the listener saw no connection from the sandbox: " + listener.getLogs());
    }

    /** The control: the same sandbox joined to one of the listener's networks reaches it there, so the test above can fail. */
    @Test
    void aSandboxOnOneOfTheListenersNetworksReachesIt() {
        for (Map.Entry<String, String> entry : addresses.entrySet()) {
            String networkName = entry.getKey();
            try (Sandbox sandbox = provider.open(spec().network(networkName).build())) {
                ExecutionResult result = sandbox.execute(attempts(List.of(entry.getValue())));
                assertEquals(entry.getValue() + " connected hello from the listener\n", result.stdout(), networkName + ": " + result);
                String sandboxAddress = listener.getDockerClient().inspectContainerCmd(sandbox.id()).exec()
                        .getNetworkSettings().getNetworks().get(networkName).getIpAddress();
                assertTrue(accepted().contains(sandboxAddress),
                        "the listener saw the sandbox " + sandboxAddress + " on " + networkName + ": " + listener.getLogs());
            }
        }
    }

    private static SandboxSpec.Builder spec() {
        return SandboxSpec.python().startTimeout(Duration.ofMinutes(2)).timeout(Duration.ofSeconds(60));
    }

    /** Python that tries each address and prints one line per attempt: connected and the greeting, or blocked and why. */
    private static String attempts(List<String> hosts) {
        return String.join("\n",
                "import errno, socket",
                "for host in " + hosts.stream().map(h -> "'" + h + "'").toList() + ":",
                "    try:",
                "        with socket.create_connection((host, " + PORT + "), timeout=10) as c:",
                "            print(host, 'connected', c.makefile().readline().strip())",
                "    except OSError as e:",
                "        print(host, 'blocked', errno.errorcode.get(e.errno, type(e).__name__))");
    }

    /** The peers the listener has accepted so far. */
    private static List<String> accepted() {
        List<String> peers = new ArrayList<>();
        listener.getLogs().lines().filter(l -> l.startsWith("accepted ")).forEach(l -> peers.add(l.substring("accepted ".length())));
        return peers;
    }
}
