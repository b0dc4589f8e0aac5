package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** `evalbox --help` and each command's: lists of commands show whole sentences, and no description is cut in two. */
class HelpTextTest {
    private static final Pattern ENTRY = Pattern.compile("^  ([a-z][a-z0-9-]*)(?:\\s+(\\S.*))?$");
    private static final Pattern CONTINUATION = Pattern.compile("^\\s{3,}(\\S.*)$");

    @Test
    void sourceLinesBecomeParagraphsAndTheFirstSentenceTheSummary() {
        assertEquals(List.of("Run the demo (a CSV, a plot, an output file) in a sandbox.", "Then grade it.", "Needs no model."),
                HelpText.paragraphs("Run the demo (a CSV, a plot,", "an output file) in a sandbox. Then grade", "it.", "Needs no model."));
        assertEquals(List.of("Re-score a run from its traces.jsonl (e.g. with a judge), in place."),
                HelpText.paragraphs("Re-score a run from its traces.jsonl (e.g. with", "a judge), in place."), "no sentence ends inside a word or before lower case");
        assertEquals(List.of("Write `a`.", "`b` follows."), HelpText.paragraphs("Write `a`. `b` follows."));
        assertFalse(HelpText.endsSentence("plot with matplotlib,"));
        assertTrue(HelpText.endsSentence("(default: every turn)."));
    }

    @Test
    void everyListOfCommandsShowsWholeSentences() {
        Map<String, CommandLine> withSubcommands = new LinkedHashMap<>();
        collect(EvalboxCommand.commandLine(), withSubcommands);
        assertTrue(withSubcommands.keySet().containsAll(List.of("evalbox", "evalbox run", "evalbox grade", "evalbox bench")), withSubcommands.keySet().toString());
        for (Map.Entry<String, CommandLine> command : withSubcommands.entrySet()) {
            List<String> words = new ArrayList<>(List.of(command.getKey().split(" ")));
            words.remove(0);
            words.add("--help");
            CommandRunner.Result help = CommandRunner.run(words.toArray(String[]::new));
            assertEquals(0, help.exitCode(), command.getKey() + " --help: " + help.err());
            Map<String, String> listed = commandList(help.out());
            assertEquals(command.getValue().getSubcommands().keySet(), listed.keySet(), command.getKey() + " --help lists its commands:\n" + help.out());
            for (Map.Entry<String, String> entry : listed.entrySet()) {
                String summary = entry.getValue();
                assertTrue(HelpText.endsSentence(summary), command.getKey() + " --help cuts the description of " + entry.getKey()
                        + " mid-sentence: \"" + summary + "\"\n" + help.out());
                CommandLine.Model.UsageMessageSpec usage = command.getValue().getSubcommands().get(entry.getKey()).getCommandSpec().usageMessage();
                String full = String.join(" ", usage.header().length > 0 ? usage.header() : usage.description());
                assertTrue(normalized(full).startsWith(normalized(summary)), "the listed summary of " + entry.getKey()
                        + " is the start of its header or description: " + summary);
            }
        }
    }

    @Test
    void everyCommandsHelpShowsItsDescriptionAsWholeParagraphs() {
        Map<String, CommandLine> all = new LinkedHashMap<>();
        collectAll(EvalboxCommand.commandLine(), all);
        assertTrue(all.size() > 25, "the whole command tree: " + all.keySet());
        for (Map.Entry<String, CommandLine> command : all.entrySet()) {
            List<String> words = new ArrayList<>(List.of(command.getKey().split(" ")));
            words.remove(0);
            words.add("--help");
            String help = normalized(CommandRunner.run(words.toArray(String[]::new)).out());
            CommandLine.Model.UsageMessageSpec usage = command.getValue().getCommandSpec().usageMessage();
            if (usage.header().length > 0) continue; // picocli's help command, formatted by picocli
            for (String paragraph : usage.description()) {
                assertTrue(HelpText.endsSentence(paragraph), command.getKey() + ": a description paragraph ends mid-sentence: " + paragraph);
                assertTrue(help.contains(normalized(paragraph)), command.getKey() + " --help shows \"" + paragraph + "\" whole:\n" + help);
            }
        }
    }

    /** The "Commands:" section of a help text: each command with its description, wrapped lines joined. */
    private static Map<String, String> commandList(String help) {
        Map<String, String> entries = new LinkedHashMap<>();
        String current = null;
        boolean inList = false;
        for (String line : help.split("\n")) {
            if (line.equals("Commands:")) {
                inList = true;
                continue;
            }
            if (!inList) continue;
            Matcher entry = ENTRY.matcher(line);
            Matcher more = CONTINUATION.matcher(line);
            if (entry.matches()) {
                current = entry.group(1);
                entries.put(current, entry.group(2) == null ? "" : entry.group(2).strip());
            } else if (more.matches() && current != null) {
                entries.put(current, (entries.get(current) + " " + more.group(1).strip()).strip());
            } else {
                break;
            }
        }
        return entries;
    }

    private static void collect(CommandLine cli, Map<String, CommandLine> withSubcommands) {
        if (!cli.getSubcommands().isEmpty()) withSubcommands.put(cli.getCommandSpec().qualifiedName(), cli);
        for (CommandLine sub : new LinkedHashSet<>(cli.getSubcommands().values())) collect(sub, withSubcommands);
    }

    private static void collectAll(CommandLine cli, Map<String, CommandLine> all) {
        all.put(cli.getCommandSpec().qualifiedName(), cli);
        for (CommandLine sub : new LinkedHashSet<>(cli.getSubcommands().values())) collectAll(sub, all);
    }

    /** Without white space: picocli wraps where it likes (even after a colon: ":help" may come out as ": help"). */
    private static String normalized(String text) {
        return text.replaceAll("\\s+", "");
    }
}
