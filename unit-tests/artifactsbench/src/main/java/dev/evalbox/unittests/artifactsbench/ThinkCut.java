package dev.evalbox.unittests.artifactsbench;

/**
 * The reference's cut of a reasoning model's text, {@code text.split("</think>")[-1].strip()}: what
 * follows the last "&lt;/think&gt;" (the whole text when there is none), stripped of what Python's
 * {@code str.strip()} takes as whitespace. The reference cuts both the candidate's answer and the
 * judge's reply this way.
 */
final class ThinkCut {
    static final String END = "</think>";

    private ThinkCut() { }

    static String after(String text) {
        int end = text.lastIndexOf(END);
        return pythonStrip(end < 0 ? text : text.substring(end + END.length()));
    }

    /**
     * Python's {@code str.strip()} with no argument: Java's {@code String.strip()} keeps U+0085, U+00A0,
     * U+2007 and U+202F, which Python removes.
     */
    static String pythonStrip(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isPythonSpace(s.charAt(start))) start++;
        while (end > start && isPythonSpace(s.charAt(end - 1))) end--;
        return s.substring(start, end);
    }

    /** Python's {@code str.isspace()} for one character (every such character is in the BMP). */
    static boolean isPythonSpace(char c) {
        return (c >= '\t' && c <= '\r') || (c >= '\u001c' && c <= ' ') || c == '\u0085' || c == '\u00a0' || c == '\u1680'
                || (c >= '\u2000' && c <= '\u200a') || c == '\u2028' || c == '\u2029' || c == '\u202f' || c == '\u205f' || c == '\u3000';
    }
}
