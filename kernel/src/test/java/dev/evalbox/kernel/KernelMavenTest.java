package dev.evalbox.kernel;

import com.sun.net.httpserver.HttpServer;
import dev.evalbox.kernel.wire.ConnectionInfo;
import dev.evalbox.kernel.wire.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * %maven against a Maven repository served on loopback (tests never reach Maven Central): an
 * artifact and its transitive dependency are resolved, downloaded and usable from the next cell.
 */
class KernelMavenTest {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void mavenMagicResolvesAnArtifactAndItsDependencies(@TempDir Path work) throws Exception {
        Path repo = work.resolve("repo");
        publish(repo, "util", "package test.evalbox.util; public class Names { public static String who() { return \"util\"; } }",
                "test/evalbox/util/Names", null);
        publish(repo, "greeter", "package test.evalbox.greeter; public class Greeter { public static String hello() {"
                        + " return \"hello from \" + test.evalbox.util.Names.who(); } }",
                "test/evalbox/greeter/Greeter", "util");
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            Path file = repo.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            if (!file.startsWith(repo) || !Files.isRegularFile(file)) {
                exchange.sendResponseHeaders(404, -1);
                exchange.close();
                return;
            }
            byte[] body = exchange.getRequestMethod().equals("HEAD") ? new byte[0] : Files.readAllBytes(file);
            exchange.sendResponseHeaders(200, exchange.getRequestMethod().equals("HEAD") ? -1 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
        // A settings.xml whose mirror stands in for every repository, central included: nothing leaves this machine.
        Path settings = work.resolve("settings.xml");
        Files.writeString(settings, "<settings><localRepository>" + work.resolve("local") + "</localRepository><mirrors><mirror>"
                + "<id>loopback</id><mirrorOf>*</mirrorOf><url>" + url + "</url></mirror></mirrors></settings>");
        try (JupyterKernel kernel = new JupyterKernel(ConnectionInfo.loopback(), KernelSettings.defaults()).start();
             KernelClient client = new KernelClient(kernel.connection())) {
            client.awaitIopub();
            Message maven = client.execute("%maven test.evalbox:greeter:1.0 --settings " + settings);
            Message reply = client.reply(client.shell, maven, WAIT);
            String streams = client.iopubUntilIdle(maven, WAIT).stream().filter(m -> m.type().equals("stream"))
                    .map(m -> m.content().path("text").asText()).reduce("", String::concat);
            assertEquals("ok", reply.content().path("status").asText(), reply.content() + "\n" + streams);
            assertTrue(streams.contains("greeter-1.0.jar") && streams.contains("util-1.0.jar"), streams);
            assertTrue(Files.isRegularFile(work.resolve("local/test/evalbox/util/1.0/util-1.0.jar")), "the settings' local repository is used");

            Message use = client.execute("test.evalbox.greeter.Greeter.hello()");
            assertEquals("ok", client.reply(client.shell, use, WAIT).content().path("status").asText());
            assertEquals("\"hello from util\"", client.iopubUntilIdle(use, WAIT).stream()
                    .filter(m -> m.type().equals("execute_result")).findFirst().orElseThrow()
                    .content().path("data").path("text/plain").asText());

            Message missing = client.execute("%maven test.evalbox:absent:9.9 --settings " + settings);
            Message failed = client.reply(client.shell, missing, WAIT);
            assertEquals("error", failed.content().path("status").asText());
            assertTrue(failed.content().path("evalue").asText().contains("test.evalbox:absent:9.9"), failed.content().toString());
            assertTrue(failed.content().path("evalue").asText().contains(url), "the error names the mirror asked: " + failed.content());
        } finally {
            server.stop(0);
        }
    }

    /** Compiles one class into a jar and writes it with its POM (and an optional dependency) in Maven's repository layout. */
    private static void publish(Path repo, String artifact, String source, String classPath, String dependency) throws IOException {
        Path dir = repo.resolve("test/evalbox/" + artifact + "/1.0");
        Files.createDirectories(dir);
        Path src = Files.createTempDirectory("src");
        Path file = src.resolve(classPath.substring(classPath.lastIndexOf('/') + 1) + ".java");
        Files.writeString(file, source);
        Path classes = Files.createTempDirectory("classes");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String cp = repo.resolve("test/evalbox/util/1.0/util-1.0.jar").toString();
        int status = javac.run(null, null, null, "-d", classes.toString(), "-cp", cp, file.toString());
        assertEquals(0, status, "compiling " + artifact);
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(dir.resolve(artifact + "-1.0.jar")))) {
            jar.putNextEntry(new JarEntry(classPath + ".class"));
            jar.write(Files.readAllBytes(classes.resolve(classPath + ".class")));
            jar.closeEntry();
        }
        String dependencies = dependency == null ? "" : "<dependencies><dependency><groupId>test.evalbox</groupId><artifactId>"
                + dependency + "</artifactId><version>1.0</version></dependency></dependencies>";
        Files.writeString(dir.resolve(artifact + "-1.0.pom"), "<project><modelVersion>4.0.0</modelVersion><groupId>test.evalbox</groupId>"
                + "<artifactId>" + artifact + "</artifactId><version>1.0</version>" + dependencies + "</project>");
    }
}
