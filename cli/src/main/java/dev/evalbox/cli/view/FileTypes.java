package dev.evalbox.cli.view;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Content types of a run's files by extension; anything unknown is a download (application/octet-stream). */
final class FileTypes {
    private static final Map<String, String> TYPES = Map.ofEntries(Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("svg", "image/svg+xml"),
            Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"), Map.entry("json", "application/json"),
            Map.entry("jsonl", "text/plain; charset=utf-8"), Map.entry("txt", "text/plain; charset=utf-8"), Map.entry("csv", "text/plain; charset=utf-8"),
            Map.entry("py", "text/plain; charset=utf-8"), Map.entry("md", "text/plain; charset=utf-8"), Map.entry("log", "text/plain; charset=utf-8"));

    private FileTypes() { }

    static String of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "application/octet-stream" : TYPES.getOrDefault(name.substring(dot + 1), "application/octet-stream");
    }
}
