package dev.evalbox.agentloop.loop;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Finds the code to run in a model's reply; empty means the reply has none (which usually ends the task). */
@FunctionalInterface
public interface CodeExtractor {
    Optional<String> extract(String reply);

    /** The first match of a regex's group 1 (e.g. the first ```python fenced block). */
    static CodeExtractor firstGroup(Pattern pattern) {
        return reply -> {
            Matcher m = pattern.matcher(reply);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        };
    }
}
