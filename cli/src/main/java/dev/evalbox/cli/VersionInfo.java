package dev.evalbox.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version printed by --version, taken from the build. */
public final class VersionInfo implements IVersionProvider {

    public static String version() {
        Properties properties = new Properties();
        try (InputStream in = VersionInfo.class.getResourceAsStream("version.properties")) {
            if (in != null) properties.load(in);
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }

    /** The git commit the build came from, or "unknown" (built outside a checkout, or without git). */
    public static String commit() {
        try (InputStream in = VersionInfo.class.getResourceAsStream("commit.txt")) {
            if (in == null) return "unknown";
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return text.matches("[0-9a-f]{40}") ? text : "unknown";
        } catch (IOException e) {
            return "unknown";
        }
    }

    @Override
    public String[] getVersion() {
        return new String[] {"evalbox " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
