package dev.evalbox.unittests.report;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Marks up Python source as HTML spans (keywords, strings, comments, numbers, builtins) for reports. */
public final class PythonHighlighter {
    private static final Set<String> KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert", "async", "await", "break",
            "class", "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
            "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield");
    private static final Set<String> BUILTINS = Set.of("print", "len", "range", "open", "int", "float", "str", "list", "dict",
            "set", "tuple", "sum", "min", "max", "sorted", "enumerate", "zip", "isinstance", "type", "round", "abs");
    private static final Pattern TOKEN = Pattern.compile(
            "(?<comment>#[^\\n]*)"
                    + "|(?<string>(?:[rRbBfFuU]{0,2})(?:\"\"\"[\\s\\S]*?(?:\"\"\"|$)|'''[\\s\\S]*?(?:'''|$)|\"(?:\\\\.|[^\"\\\\\\n])*\"?|'(?:\\\\.|[^'\\\\\\n])*'?))"
                    + "|(?<number>\\b\\d+(?:\\.\\d*)?(?:[eE][+-]?\\d+)?\\b)"
                    + "|(?<word>[A-Za-z_][A-Za-z0-9_]*)");

    private PythonHighlighter() { }

    public static String toHtml(String code) {
        StringBuilder html = new StringBuilder(code.length() * 2);
        Matcher m = TOKEN.matcher(code);
        int last = 0;
        while (m.find()) {
            html.append(Html.escape(code.substring(last, m.start())));
            String text = m.group();
            String kind = m.group("comment") != null ? "c" : m.group("string") != null ? "s" : m.group("number") != null ? "n"
                    : KEYWORDS.contains(text) ? "k" : BUILTINS.contains(text) ? "b" : null;
            html.append(kind == null ? Html.escape(text) : "<span class=\"" + kind + "\">" + Html.escape(text) + "</span>");
            last = m.end();
        }
        html.append(Html.escape(code.substring(last)));
        return html.toString();
    }
}
