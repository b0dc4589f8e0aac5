package dev.evalbox.unittests.artifactsbench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The judge's overall score, read as the reference reads it: the last match of the English key's
 * pattern, else the last of the Chinese key's. The pattern's range alternative can never win (its
 * number alternative is tried first and always matches), so "70-80" reads as 70, as in the reference.
 * The reference's {@code \s} and {@code \d} are Python's on text: any Unicode whitespace and decimal
 * digit, so "８５" (full-width) is a score of 85 there and here.
 */
public record JudgeScore(String text, double value) {
    // Python's \s on str (str.isspace()) and \d on str (category Nd)
    private static final String SPACE = "[\\t-\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
    private static final String DIGIT = "\\p{Nd}";
    private static final String SCORE = ":" + SPACE + "*(\")?(" + DIGIT + "+(\\." + DIGIT + "+)?|" + DIGIT + "+-" + DIGIT + "+)(\")?";
    static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("\"Overall Score\"" + SCORE),
            Pattern.compile("\"总体打分\"" + SCORE));

    /** The score in {@code reason}, the judge's reply as the reference keeps it (see {@link ThinkCut}). */
    public static Optional<JudgeScore> parse(String reason) {
        for (Pattern pattern : PATTERNS) {
            Matcher m = pattern.matcher(reason);
            String last = null;
            while (m.find()) last = m.group(2);
            if (last != null) return Optional.of(new JudgeScore(last, Double.parseDouble(asciiDigits(last))));
        }
        return Optional.empty();
    }

    /** Python's float() reads any decimal digit; Java's reads ASCII ones. */
    private static String asciiDigits(String number) {
        StringBuilder ascii = new StringBuilder(number.length());
        number.codePoints().forEach(c -> ascii.append(Character.isDigit(c) ? (char) ('0' + Character.digit(c, 10)) : (char) c));
        return ascii.toString();
    }
}
