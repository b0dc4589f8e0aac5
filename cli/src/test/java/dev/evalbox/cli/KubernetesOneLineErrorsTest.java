package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.evalbox.unittests.eval.Benchmarks;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --backend kubernetes} where no cluster can be used, on every command that takes it: the evalbox command runs
 * as a child process (its own JVM, on this module's test class path, so the environment is its own: KUBECONFIG, HOME)
 * and must print one line naming what is missing or unreachable, exit non-zero and show no stack trace, neither its
 * own nor one a library logs. Two cases: a kubeconfig (written here) whose API server is a loopback port nobody
 * listens on, and no credentials at all (no KUBECONFIG, a HOME without ~/.kube, not inside a cluster). No cluster
 * runs on these machines; the kernel's %sandbox open is checked the same way by the kernel's KernelKubernetesTest.
 */
class KubernetesOneLineErrorsTest {
    private record Result(int exitCode, String out, String err) {
        String all() { return out + err; }
    }

    /** The commands that take --backend kubernetes; `run` with the test-only Sums benchmark (its model is never reached). */
    private static List<List<String>> commands(Path dir) {
        return List.of(
                List.of("run", "sums", "--model", "m", "--base-url", "http://127.0.0.1:9/v1", "--backend", "kubernetes",
                        "--out", dir.resolve("run").toString()),
                List.of("sandbox", "run", "--backend", "kubernetes", "-c", "print(1)"),
                List.of("sandbox", "shell", "--backend", "kubernetes"),
                List.of("doctor", "--backend", "kubernetes"),
                List.of("sandbox", "reap", "--backend", "kubernetes"));
    }

    @Test
    void anUnreachableApiServerIsOneLineOnEveryCommand(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort(); // closed again below: nothing listens there
        }
        Path kubeconfig = dir.resolve("kubeconfig.yaml");
        Files.writeString(kubeconfig, String.join("\n",
                "apiVersion: v1",
                "kind: Config",
                "clusters:",
                "- name: nowhere",
                "  cluster:",
                "    server: https://127.0.0.1:" + port,
                "    insecure-skip-tls-verify: true",
                "users:",
                "- name: someone",
                "  user:",
                "    token: not-a-token",
                "contexts:",
                "- name: nowhere",
                "  context: {cluster: nowhere, user: someone, namespace: evalbox}",
                "current-context: nowhere",
                ""));
        for (List<String> command : commands(dir)) {
            Result result = evalbox(dir, kubeconfig, command);
            assertOneLine(command, result, "cannot reach the Kubernetes API server at https://127.0.0.1:" + port);
            assertTrue(result.all().contains("could not connect (refused"), "says why: " + result.all());
        }
    }

    @Test
    void noCredentialsAtAllIsOneLineOnEveryCommand(@TempDir Path dir) throws Exception {
        for (List<String> command : commands(dir)) {
            Result result = evalbox(dir, null, command);
            assertOneLine(command, result, "no Kubernetes credentials");
        }
    }

    private static void assertOneLine(List<String> command, Result result, String expected) {
        String said = "evalbox " + String.join(" ", command) + " said:\n" + result.all();
        assertNotEquals(0, result.exitCode(), said);
        assertNotEquals(70, result.exitCode(), "an expected failure, not an unexpected one: " + said);
        assertFalse(result.all().contains("\tat ") || result.all().contains("Exception in thread") || result.all().contains("Caused by"), said);
        if (command.get(0).equals("doctor")) {
            // doctor's report is its checks on stdout: the checks that passed, then ONE failed check naming the problem
            assertTrue(result.err().isBlank(), said);
            List<String> failed = result.out().lines().filter(l -> l.startsWith("missing")).toList();
            assertEquals(1, failed.size(), said);
            assertTrue(failed.get(0).contains(expected), said);
            return;
        }
        List<String> errorLines = result.err().lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, errorLines.size(), "one line on stderr: " + said);
        assertTrue(errorLines.get(0).startsWith("evalbox: ") && errorLines.get(0).contains(expected), said);
    }

    /** The evalbox command in a JVM of its own, with only the Kubernetes settings given here (never this machine's). */
    private static Result evalbox(Path dir, Path kubeconfig, List<String> args) throws Exception {
        Path home = Files.createDirectories(dir.resolve("home"));
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-Duser.home=" + home,
                "-D" + Benchmarks.PROPERTY + "=" + SingleFileBenchmarkTest.Sums.class.getName(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(args);
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        var env = builder.environment();
        for (String name : List.of("KUBECONFIG", "KUBERNETES_MASTER", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT",
                "EVALBOX_BENCHMARKS", "OPENAI_BASE_URL", "OPENAI_API_KEY")) {
            env.remove(name);
        }
        env.put("HOME", home.toString());
        if (kubeconfig != null) env.put("KUBECONFIG", kubeconfig.toString());
        Process process = builder.start();
        // a last bound only: each command fails within seconds (5 s connection timeout at most)
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("evalbox " + String.join(" ", args) + " did not end:\n" + Files.readString(out) + Files.readString(err));
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }
}
