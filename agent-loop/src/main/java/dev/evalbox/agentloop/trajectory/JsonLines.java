package dev.evalbox.agentloop.trajectory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSON Lines file where one bad line must not stop the rest: each line that is not JSON,
 * or that the handler rejects, becomes a problem "FILE line N: what is wrong", and reading goes on.
 */
public final class JsonLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Takes one parsed line; returns what is wrong with it, or null when it was used. */
    @FunctionalInterface
    public interface Handler {
        String accept(int lineNumber, JsonNode node);
    }

    private JsonLines() { }

    /** Calls the handler for every non-blank line and returns the problems found, in line order. */
    public static List<String> read(Path file, Handler handler) {
        List<String> problems = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int number = 0;
            while ((line = reader.readLine()) != null) {
                number++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    problems.add(file.getFileName() + " line " + number + ": not valid JSON");
                    continue;
                }
                String problem;
                try {
                    problem = handler.accept(number, node);
                } catch (RuntimeException e) {
                    problem = e.getMessage();
                }
                if (problem != null) problems.add(file.getFileName() + " line " + number + ": " + problem);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return problems;
    }
}
