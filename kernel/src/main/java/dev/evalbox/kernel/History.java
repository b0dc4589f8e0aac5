package dev.evalbox.kernel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The inputs (and text outputs) of this kernel's cells, for history_request: tail, range and glob search. */
final class History {
    /** The session number of this kernel's history; one kernel process is one session. */
    static final int SESSION = 1;

    private record Entry(int line, String input, String output) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(int line, String input, String output) {
        entries.add(new Entry(line, input, output));
    }

    synchronized ArrayNode answer(ObjectNode request) {
        boolean output = request.path("output").asBoolean(false);
        String access = request.path("hist_access_type").asText("tail");
        List<Entry> chosen = switch (access) {
            case "range" -> range(request.path("session").asInt(0), request.path("start").asInt(0),
                    request.has("stop") && !request.get("stop").isNull() ? request.path("stop").asInt() : Integer.MAX_VALUE);
            case "search" -> search(request.path("pattern").asText("*"), request.path("unique").asBoolean(false),
                    request.path("n").asInt(0));
            default -> last(entries, request.path("n").asInt(10));
        };
        ArrayNode history = JsonNodeFactory.instance.arrayNode();
        for (Entry entry : chosen) {
            ArrayNode row = history.addArray().add(SESSION).add(entry.line());
            if (output) {
                row.addArray().add(entry.input()).add(entry.output());
            } else {
                row.add(entry.input());
            }
        }
        return history;
    }

    private List<Entry> range(int session, int start, int stop) {
        if (session > 0 && session != SESSION) {
            return List.of();
        }
        return entries.stream().filter(e -> e.line() >= start && e.line() < stop).toList();
    }

    private List<Entry> search(String glob, boolean unique, int n) {
        Pattern pattern = globPattern(glob);
        List<Entry> matches = entries.stream().filter(e -> pattern.matcher(e.input()).matches()).toList();
        if (unique) {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry entry : matches) {
                latest.remove(entry.input());
                latest.put(entry.input(), entry);
            }
            matches = new ArrayList<>(latest.values());
        }
        return n > 0 ? last(matches, n) : matches;
    }

    private static List<Entry> last(List<Entry> list, int n) {
        return list.subList(Math.max(0, list.size() - Math.max(0, n)), list.size());
    }

    /** IPython searches with SQLite's GLOB: '*' any run, '?' one character, everything else literal. */
    static Pattern globPattern(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }
}
