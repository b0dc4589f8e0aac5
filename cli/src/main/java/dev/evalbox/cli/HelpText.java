package dev.evalbox.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.UsageMessageSpec;

/**
 * Command descriptions as prose. The annotations break a description into source-width lines, and
 * picocli prints each element on a line of its own and lists a command by its first element only,
 * which cut sentences in two ("... plot with matplotlib,"). Here the elements are joined into
 * paragraphs (a paragraph ends where an element ends a sentence), and the first sentence becomes
 * the first element, so the command list shows a whole sentence, wrapped, and `--help` shows the
 * rest as wrapped paragraphs.
 */
final class HelpText {
    /** A sentence ends at . ! or ? (perhaps closed by a bracket, quote or backtick) before a space and a word not in lower case. */
    private static final Pattern SENTENCE_END = Pattern.compile("[.!?][)\"'`]?(?=\\s+[^\\sa-z])");
    private static final Pattern ENDS_SENTENCE = Pattern.compile(".*[.!?][)\"'`]?");

    private HelpText() { }

    /** Rewrites the descriptions of {@code cli} and of every command under it; returns {@code cli}. */
    static CommandLine reflow(CommandLine cli) {
        UsageMessageSpec usage = cli.getCommandSpec().usageMessage();
        // A command with a header (picocli's own help command) is listed by it and formats its description itself.
        if (usage.header().length == 0) usage.description(paragraphs(usage.description()).toArray(String[]::new));
        // Wider terminals get wider help (fewer wrapped lines); without a terminal, picocli's 80 columns.
        usage.autoWidth(true);
        for (CommandLine sub : new java.util.LinkedHashSet<>(cli.getSubcommands().values())) {
            reflow(sub); // a set: a command with aliases is listed once per name but rewritten once
        }
        return cli;
    }

    /** The summary (the first sentence), then the paragraphs; source line breaks inside a sentence become spaces. */
    static List<String> paragraphs(String... lines) {
        List<String> paragraphs = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String text = line.strip();
            if (!text.isEmpty()) {
                if (current.length() > 0) current.append(' ');
                current.append(text);
            }
            if (current.length() > 0 && (text.isEmpty() || endsSentence(text))) {
                paragraphs.add(current.toString());
                current.setLength(0);
            }
        }
        if (current.length() > 0) paragraphs.add(current.toString());
        if (paragraphs.isEmpty()) return paragraphs;
        String first = paragraphs.get(0);
        Matcher end = SENTENCE_END.matcher(first);
        if (end.find()) {
            paragraphs.set(0, first.substring(0, end.end()));
            paragraphs.add(1, first.substring(end.end()).strip());
        }
        return paragraphs;
    }

    /** Whether {@code text} ends a sentence (what a command's summary in a list must do). */
    static boolean endsSentence(String text) {
        return ENDS_SENTENCE.matcher(text.strip()).matches();
    }
}
