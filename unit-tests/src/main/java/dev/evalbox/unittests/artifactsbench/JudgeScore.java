package dev.evalbox.unittests.artifactsbench;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The judge's overall score, read as the reference reads it: the last match of the English key's
 * pattern, else the last of the Chinese key's. The pattern's range alternative can never win (its
 * number alternative is tried first and always matches), so "70-80" reads as 70, as in the reference.
 */
public record JudgeScore(String text, double value) {
    static final List<Pattern> PATTERNS = List.of(
            Pattern.compile("\"Overall Score\":\\s*(\")?(\\d+(\\.\\d+)?|\\d+-\\d+)(\")?"),
            Pattern.compile("\"总体打分\":\\s*(\")?(\\d+(\\.\\d+)?|\\d+-\\d+)(\")?"));

    public static Optional<JudgeScore> parse(String reply) {
        for (Pattern pattern : PATTERNS) {
            Matcher m = pattern.matcher(reply);
            String last = null;
            while (m.find()) last = m.group(2);
            if (last != null) return Optional.of(new JudgeScore(last, Double.parseDouble(last)));
        }
        return Optional.empty();
    }
}
