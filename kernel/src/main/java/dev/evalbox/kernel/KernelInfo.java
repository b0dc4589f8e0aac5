package dev.evalbox.kernel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.kernel.wire.Message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The kernel_info_reply: who the kernel is, the language it speaks and where help lives. */
final class KernelInfo {
    private KernelInfo() {
    }

    static String version() {
        Properties properties = new Properties();
        try (InputStream in = KernelInfo.class.getResourceAsStream("kernel.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("kernel.properties is unreadable", e);
        }
        return properties.getProperty("version", "unknown");
    }

    static ObjectNode content() {
        String java = Runtime.version().toString();
        ObjectNode content = Message.object()
                .put("status", "ok")
                .put("protocol_version", Message.PROTOCOL_VERSION)
                .put("implementation", "evalbox")
                .put("implementation_version", version())
                .put("banner", "evalbox " + version() + " - Java " + java + " cells (JShell) with the evalbox API")
                .put("debugger", false);
        content.putObject("language_info")
                .put("name", "java")
                .put("version", java)
                .put("mimetype", "text/x-java-source")
                .put("file_extension", ".jshell")
                .put("pygments_lexer", "java")
                .put("codemirror_mode", "java");
        ArrayNode links = content.putArray("help_links");
        links.addObject().put("text", "Java " + Runtime.version().feature() + " API")
                .put("url", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/docs/api/");
        links.addObject().put("text", "JShell guide")
                .put("url", "https://docs.oracle.com/en/java/javase/" + Runtime.version().feature() + "/jshell/");
        return content;
    }
}
