package dev.evalbox.unittests.artifactsbench;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The page an answer renders to, found as the reference finds it: the last "&lt;html ...&gt;...&lt;/html&gt;"
 * match, else the last "&lt;svg ...&gt;...&lt;/svg&gt;" (an SVG is written as the page). For HTML, the first
 * ```html fenced block is preferred, with the answer's ```css and ```javascript blocks inlined where the
 * page references local files; without one, the regex match is the page.
 */
public record ArtifactPage(String type, String html) {
    static final Pattern HTML = Pattern.compile("(<html[^>]*>.*?</html>)", Pattern.DOTALL);
    static final Pattern SVG = Pattern.compile("(<svg[^>]*>.*?</svg>)", Pattern.DOTALL);
    private static final Pattern FENCE = Pattern.compile("```(html|css|javascript|js)[^\\n]*\\n(.*?)```", Pattern.DOTALL);

    /** The page to render, or empty when the answer has nothing renderable (the judge then sees only text). */
    public static Optional<ArtifactPage> of(String answer) {
        String html = last(HTML, answer);
        if (html != null) return Optional.of(new ArtifactPage("html", fencedHtml(answer).orElse(html)));
        String svg = last(SVG, answer);
        return svg == null ? Optional.empty() : Optional.of(new ArtifactPage("svg", svg));
    }

    private static String last(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        String found = null;
        while (m.find()) found = m.group(1);
        return found;
    }

    /** The first ```html block with the answer's css and js blocks put in place of local references. */
    static Optional<String> fencedHtml(String answer) {
        String page = null;
        StringBuilder css = new StringBuilder();
        StringBuilder js = new StringBuilder();
        Matcher m = FENCE.matcher(answer);
        while (m.find()) {
            switch (m.group(1)) {
                case "html" -> { if (page == null) page = m.group(2); }
                case "css" -> css.append(m.group(2));
                default -> js.append(m.group(2));
            }
        }
        if (page == null) return Optional.empty();
        if (css.length() > 0) {
            Matcher link = Pattern.compile("<link[^>]*href=[\"'](?!https?:|//)[^\"']+\\.css[\"'][^>]*>", Pattern.CASE_INSENSITIVE).matcher(page);
            if (link.find()) page = page.substring(0, link.start()) + "<style>\n" + css + "</style>" + page.substring(link.end());
        }
        if (js.length() > 0) {
            Matcher script = Pattern.compile("<script[^>]*src=[\"'](?!https?:|//)[^\"']+\\.js[\"'][^>]*>\\s*</script>", Pattern.CASE_INSENSITIVE)
                    .matcher(page);
            if (script.find()) page = page.substring(0, script.start()) + "<script>\n" + js + "</script>" + page.substring(script.end());
        }
        return Optional.of(page);
    }
}
