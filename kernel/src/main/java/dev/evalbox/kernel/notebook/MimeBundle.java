package dev.evalbox.kernel.notebook;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Output in several representations at once (text/plain, text/html, image/png, ...); the front end
 * shows the richest it can. Values are strings (binary types base64-encoded, as the protocol carries them)
 * because bundles cross from the cells' class loader to the kernel's.
 */
public record MimeBundle(Map<String, Object> data, Map<String, Object> metadata) {
    public MimeBundle {
        data = Map.copyOf(data);
        metadata = Map.copyOf(metadata);
    }

    public static MimeBundle text(String text) {
        return of("text/plain", text);
    }

    public static MimeBundle html(String html) {
        return of("text/html", html).with("text/plain", "<HTML output>");
    }

    public static MimeBundle markdown(String markdown) {
        return of("text/markdown", markdown).with("text/plain", markdown);
    }

    public static MimeBundle svg(String svg) {
        return of("image/svg+xml", svg).with("text/plain", "<SVG image>");
    }

    public static MimeBundle png(byte[] png) {
        return of("image/png", Base64.getEncoder().encodeToString(png)).with("text/plain", "<PNG image, " + png.length + " bytes>");
    }

    /** JSON given as text; the kernel sends it as a JSON value (as it does for every {@code *json} type), so front ends show a tree. */
    public static MimeBundle json(String json) {
        return of("application/json", json).with("text/plain", json);
    }

    public static MimeBundle of(String mimeType, Object value) {
        return new MimeBundle(Map.of(mimeType, value), Map.of());
    }

    public MimeBundle with(String mimeType, Object value) {
        Map<String, Object> more = new LinkedHashMap<>(data);
        more.put(mimeType, value);
        return new MimeBundle(more, metadata);
    }

}
