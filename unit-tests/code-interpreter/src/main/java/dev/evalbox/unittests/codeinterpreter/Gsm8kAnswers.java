package dev.evalbox.unittests.codeinterpreter;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The benchmark's GSM8K answer extraction, quirks included: the text is stripped of '.' at both ends
 * and its newlines become a literal backslash-n (so a number that starts a line is never found); the
 * last match of the benchmark's regex, with ',' and '+' removed, is the answer. The regex truncates at
 * a comma ("1,234,567" gives 1) and at a trailing zero decimal ("3.50" gives 3), and a last match that
 * is empty (" , ") makes the answer invalid even when numbers came before. A match that is only a sign
 * ("-") is invalid here; the original crashes on it.
 */
public final class Gsm8kAnswers {
    public static final String INVALID = "[invalid]";
    static final Pattern LAST_DIGIT = Pattern.compile(
            "(?<=(\\s|[\\$%#{]))([+-])?(?=(\\S))(0|([1-9](\\d*|\\d{0,2}(,\\d{3})*)))?(\\.\\d*[1-9])?(?=(\\s|[.,}]|$))");

    private Gsm8kAnswers() { }

    /** The answer in a completion (or in a GSM8K answer field, whose last number follows "#### "), or empty when invalid. */
    public static Optional<BigDecimal> extract(String text) {
        String prepared = stripDots(text).replace("\n", "\\n");
        Matcher m = LAST_DIGIT.matcher(prepared);
        String last = null;
        while (m.find()) last = m.group();
        if (last == null) return Optional.empty();
        String digits = last.replace(",", "").replace("+", "");
        if (digits.isEmpty() || digits.equals("-")) return Optional.empty();
        return Optional.of(new BigDecimal(digits));
    }

    /** Whether the completion's answer equals the gold answer numerically (an invalid completion never does). */
    public static boolean isCorrect(String completion, String goldAnswerField) {
        BigDecimal gold = extract(goldAnswerField).orElseThrow(
                () -> new IllegalArgumentException("the gold answer has no number the benchmark's regex finds: " + goldAnswerField));
        return extract(completion).map(answer -> answer.compareTo(gold) == 0).orElse(false);
    }

    /** Python's str.strip('.'). */
    private static String stripDots(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && text.charAt(start) == '.') start++;
        while (end > start && text.charAt(end - 1) == '.') end--;
        return text.substring(start, end);
    }
}
