package dev.evalbox.kernel.notebook;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.evalbox.unittests.view.RowSummary;
import dev.evalbox.unittests.view.RunSummaryHtml;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.TreeMap;

/**
 * A run's results.jsonl as a list of rows that are parsed when asked for, with the per-category
 * summary the run view shows taken in one streaming pass at load.
 *
 * <p>Why: a run of 20,000 tasks is some 20 MB of JSON (each row carries the model's code); parsing
 * every row into a tree took seconds in a cold kernel, while the view shows a summary and 200 rows.
 * The streaming pass reads only the fields the summary needs and skips the rest unparsed
 * (Jackson decodes a string only when asked for it). The file's bytes stay in memory, a fraction of
 * what the trees of all rows took.
 */
final class ResultRows extends AbstractList<JsonNode> implements RandomAccess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();
    /** The fields a row's category is read from (category1, category, task_type), first present wins; then "class" up to its first '-'. */
    private static final int CATEGORY_FIELDS = 3;

    private final byte[] bytes;
    /** Start and end of each non-blank line. */
    private final int[] starts;
    private final int[] ends;
    private final JsonNode[] parsed;
    private final Map<String, double[]> byCategory;
    private final boolean scored;
    private final List<RunSummaryHtml.Row> summaries;

    private ResultRows(byte[] bytes, int[] starts, int[] ends, Map<String, double[]> byCategory, boolean scored,
                       List<RunSummaryHtml.Row> summaries) {
        this.bytes = bytes;
        this.starts = starts;
        this.ends = ends;
        this.parsed = new JsonNode[starts.length];
        this.byCategory = byCategory;
        this.scored = scored;
        this.summaries = summaries;
    }

    /** What the viewer's cards and charts need of each row, taken in the same streaming pass. */
    private record Summary(String status, String category, String difficulty, Double score) implements RunSummaryHtml.Row { }

    static ResultRows read(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        int[] starts = new int[1024];
        int[] ends = new int[1024];
        int count = 0;
        Map<String, double[]> groups = new TreeMap<>();
        Map<String, String> normalised = new HashMap<>();
        boolean anyScore = false;
        List<RunSummaryHtml.Row> summaries = new ArrayList<>();
        // One parser over the whole file: rows are root-level objects, one a line.
        try (JsonParser parser = FACTORY.createParser(bytes)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token != JsonToken.START_OBJECT) {
                    throw new IOException("a row is not a JSON object (line " + parser.currentTokenLocation().getLineNr() + ")");
                }
                if (count == starts.length) {
                    starts = Arrays.copyOf(starts, count * 2);
                    ends = Arrays.copyOf(ends, count * 2);
                }
                starts[count] = (int) parser.currentTokenLocation().getByteOffset();
                anyScore |= summarise(parser, groups, normalised, summaries);
                ends[count] = (int) parser.currentLocation().getByteOffset();
                count++;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return new ResultRows(bytes, Arrays.copyOf(starts, count), Arrays.copyOf(ends, count), groups, anyScore, summaries);
    }

    /** Per category: [tasks, passed (or scored), score sum], as {@link RunView#byCategory()} defines them. */
    Map<String, double[]> byCategory() {
        Map<String, double[]> copy = new TreeMap<>();
        byCategory.forEach((category, group) -> copy.put(category, group.clone()));
        return copy;
    }

    /** Each row's status, category, difficulty and score, as the viewer's run page summarises them. */
    List<RunSummaryHtml.Row> summaries() {
        return summaries;
    }

    /** Whether any row has a "score" field (the run is scored, not pass/fail). */
    boolean scored() {
        return scored;
    }

    @Override
    public JsonNode get(int index) {
        JsonNode row = parsed[index];
        if (row == null) {
            try {
                row = JSON.readTree(bytes, starts[index], ends[index] - starts[index]);
            } catch (IOException e) {
                throw new UncheckedIOException("row " + index + " of results.jsonl is not JSON", e);
            }
            parsed[index] = row;
        }
        return row;
    }

    @Override
    public int size() {
        return starts.length;
    }

    /** Reads one row (the parser is at its START_OBJECT, and left at its END_OBJECT) into its category's counts; true when it has a "score" field. */
    private static boolean summarise(JsonParser parser, Map<String, double[]> groups, Map<String, String> normalised,
                                     List<RunSummaryHtml.Row> summaries) throws IOException {
        String[] categories = new String[CATEGORY_FIELDS];
        String type = null;
        boolean passed = false;
        Boolean verdict = null;
        boolean hasScore = false;
        Double score = null;
        String difficulty = null;
        boolean error = false;
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            switch (field) {
                case "passed" -> {
                    passed = value == JsonToken.VALUE_TRUE;
                    verdict = value == JsonToken.VALUE_TRUE ? Boolean.TRUE : value == JsonToken.VALUE_FALSE ? Boolean.FALSE : null;
                    parser.skipChildren();
                }
                case "difficulty" -> difficulty = value.isScalarValue() ? text(parser, value) : skipped(parser);
                case "stop_reason" -> {
                    error |= value == JsonToken.VALUE_STRING && "model_error".equals(parser.getText());
                    parser.skipChildren();
                }
                case "error" -> {
                    error |= value == JsonToken.VALUE_STRING && !parser.getText().isBlank();
                    parser.skipChildren();
                }
                case "score" -> {
                    hasScore = true;
                    score = value.isNumeric() ? parser.getDoubleValue() : null;
                    parser.skipChildren();
                }
                case "class" -> type = text(parser, value);
                case "category1" -> categories[0] = text(parser, value);
                case "category" -> categories[1] = text(parser, value);
                case "task_type" -> categories[2] = text(parser, value);
                default -> parser.skipChildren(); // a scalar is skipped by the next nextToken, its text never decoded
            }
        }
        String category = null;
        for (String candidate : categories) {
            if (candidate != null) {
                category = candidate;
                break;
            }
        }
        summaries.add(new Summary(RowSummary.status(verdict, error, score != null), RowSummary.category(RowSummary.clean(categories[1]),
                type, RowSummary.clean(categories[2])), RowSummary.clean(difficulty), score));
        if (category == null) {
            category = type != null ? type.split("-", 2)[0] : "all";
        }
        double[] group = groups.computeIfAbsent(normalised.computeIfAbsent(category, c -> c.replaceAll("\\s+", " ")),
                c -> new double[3]);
        group[0]++;
        if (passed) {
            group[1]++;
        }
        if (score != null) {
            group[1]++;
            group[2] += score;
        }
        return hasScore;
    }

    private static String skipped(JsonParser parser) throws IOException {
        parser.skipChildren();
        return null;
    }

    /** A field's value as JsonNode.asText() gives it; null for JSON null (as hasNonNull sees it), "" for objects and arrays. */
    private static String text(JsonParser parser, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value.isStructStart()) {
            parser.skipChildren();
            return "";
        }
        if (value.isNumeric()) {
            JsonNode number = JSON.readTree(parser);
            return number.asText();
        }
        return parser.getText();
    }
}
