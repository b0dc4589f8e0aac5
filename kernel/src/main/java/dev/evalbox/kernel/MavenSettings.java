package dev.evalbox.kernel;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What this machine's Maven configuration says about where artifacts come from: the local
 * repository and the mirrors, read as Maven reads them (the user's settings.xml first, then the
 * Maven installation's conf/settings.xml), so %maven goes where `mvn` would go.
 */
record MavenSettings(Path localRepository, List<Mirror> mirrors) {

    /** A settings.xml mirror: which repositories it stands in for (Maven's mirrorOf syntax) and where it is. */
    record Mirror(String id, String mirrorOf, String url, boolean blocked) {
    }

    MavenSettings {
        mirrors = List.copyOf(mirrors);
    }

    /** The user's settings ({@code userSettings}, else ~/.m2/settings.xml) over the installation's global settings. */
    static MavenSettings read(Path userSettings) {
        Path home = Path.of(System.getProperty("user.home"));
        List<Path> files = new ArrayList<>();
        files.add(userSettings != null ? userSettings : home.resolve(".m2/settings.xml"));
        Path mavenHome = mavenHome();
        if (mavenHome != null) {
            files.add(mavenHome.resolve("conf/settings.xml"));
        }
        Path local = null;
        List<Mirror> mirrors = new ArrayList<>();
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                continue;
            }
            Document settings = parse(file);
            String configured = text(settings.getDocumentElement(), "localRepository");
            if (local == null && configured != null) {
                local = Path.of(configured);
            }
            NodeList entries = settings.getElementsByTagName("mirror");
            for (int i = 0; i < entries.getLength(); i++) {
                Element mirror = (Element) entries.item(i);
                String url = text(mirror, "url");
                if (url != null) {
                    mirrors.add(new Mirror(text(mirror, "id"), text(mirror, "mirrorOf"), url, "true".equals(text(mirror, "blocked"))));
                }
            }
        }
        return new MavenSettings(local != null ? local : home.resolve(".m2/repository"), mirrors);
    }

    /** $MAVEN_HOME (or $M2_HOME), else the installation the `mvn` on PATH belongs to; null when there is none. */
    private static Path mavenHome() {
        for (String variable : List.of("MAVEN_HOME", "M2_HOME")) {
            String value = System.getenv(variable);
            if (value != null && !value.isBlank()) {
                return Path.of(value);
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path mvn = Path.of(dir, "mvn");
            if (Files.isExecutable(mvn)) {
                try {
                    return mvn.toRealPath().getParent().getParent();
                } catch (java.io.IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static Document parse(Path file) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            return factory.newDocumentBuilder().parse(file.toFile());
        } catch (Exception e) {
            throw new IllegalStateException("Maven settings " + file + " are not readable XML: " + e.getMessage(), e);
        }
    }

    /** The trimmed text of the first child element {@code name} of {@code parent}, or null. */
    private static String text(Element parent, String name) {
        NodeList children = parent.getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element child && child.getTagName().equals(name)) {
                String value = child.getTextContent().strip();
                return value.isEmpty() ? null : value;
            }
        }
        return null;
    }
}
