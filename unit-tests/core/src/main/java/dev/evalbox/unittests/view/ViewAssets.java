package dev.evalbox.unittests.view;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The viewer's front end, shipped in the jar: its page, script and style (no CDN, works offline). */
public final class ViewAssets {
    /** The files, by the path a page asks for. */
    public static final List<String> NAMES = List.of("index.html", "assets/viewer.js", "assets/viewer.css");

    private ViewAssets() { }

    public static byte[] bytes(String name) {
        if (!NAMES.contains(name)) throw new IllegalArgumentException("no viewer asset " + name);
        try (InputStream in = ViewAssets.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("the viewer asset " + name + " is missing from the jar");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the viewer asset " + name, e);
        }
    }

    public static String contentType(String name) {
        return name.endsWith(".html") ? "text/html; charset=utf-8" : name.endsWith(".js") ? "text/javascript; charset=utf-8"
                : name.endsWith(".css") ? "text/css; charset=utf-8" : "application/octet-stream";
    }

    /** live.js: whether the page polls for a run's growth (the server) or shows what it has (a bundle). */
    public static String live(boolean live) {
        return "window.evalboxLive = " + live + ";\n";
    }

    /** The URL of a run-relative file, relative to the page: files/KEY/path, each segment percent-encoded. */
    public static String fileLink(String key, String runRelative) {
        StringBuilder url = new StringBuilder("files/").append(key);
        for (String segment : runRelative.split("/")) {
            url.append('/').append(java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return url.toString();
    }
}
