package dev.evalbox.unittests.humanevalv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet files written here by DuckDB with the column types of the Hugging Face releases (an Image is a struct
 * {bytes BLOB, path VARCHAR}; v2's capability_aspects a struct of seven string lists), loaded and compared with
 * what the JSON Lines loader gives for the same content.
 */
public class HumanEvalVParquetTest {
    static final List<String> ASPECTS = List.of("Common Sense", "Data Structures", "Dynamic Patterns", "Geometric Objects",
            "Mathematical Operations", "Spatial Transformations", "Topological Relations");

    /** One task's content, as both loaders should see it. */
    public record Row(String qid, byte[] image, String signature, String test, String solution, String description, String taskType,
               Map<String, List<String>> aspects) { }

    static byte[] image(String format, Color color) throws Exception {
        BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 6; x++) for (int y = 0; y < 4; y++) image.setRGB(x, y, x < 3 ? color.getRGB() : Color.WHITE.getRGB());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    public static List<Row> rows() throws Exception {
        return List.of(
                new Row("q1", image("png", Color.RED), "def solution(n: int) -> int:\n    \"\"\"Squares n.\"\"\"\n", "assert solution(3) == 9\n",
                        "def solution(n):\n    return n * n", "a red square", "Iterative Calculation",
                        Map.of("Common Sense", List.of(), "Data Structures", List.of("Matrix"), "Dynamic Patterns", List.of(),
                                "Geometric Objects", List.of("Square", "Grid"), "Mathematical Operations", List.of("Multiplication"),
                                "Spatial Transformations", List.of(), "Topological Relations", List.of("Adjacency"))),
                new Row("q1-2", image("png", Color.BLUE), "def solution(s: str) -> str:\n", "assert solution('ab') == 'ba'\n",
                        "def solution(s):\n    return s[::-1]", "two letters, mirrored", "Pattern Recognition",
                        Map.of("Common Sense", List.of("Reading"), "Data Structures", List.of(), "Dynamic Patterns", List.of("Mirror"),
                                "Geometric Objects", List.of(), "Mathematical Operations", List.of(),
                                "Spatial Transformations", List.of("Reflection"), "Topological Relations", List.of())));
    }

    /** A v2 file with the HF column order and types. */
    public static void writeV2(Path file, List<Row> rows) throws Exception {
        String aspectsType = String.join(", ", ASPECTS.stream().map(a -> "\"" + a + "\" VARCHAR[]").toList());
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE t (qid VARCHAR, ground_truth_solution VARCHAR, ground_truth_diagram_description VARCHAR,"
                    + " test_script VARCHAR, function_signature VARCHAR, diagram STRUCT(bytes BLOB, path VARCHAR),"
                    + " capability_aspects STRUCT(" + aspectsType + "), task_type VARCHAR)");
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO t VALUES (?, ?, ?, ?, ?, {'bytes': ?::BLOB, 'path': ?},"
                    + " from_json(?, '" + aspectsJsonType() + "'), ?)")) {
                for (Row r : rows) {
                    insert.setString(1, r.qid());
                    insert.setString(2, r.solution());
                    insert.setString(3, r.description());
                    insert.setString(4, r.test());
                    insert.setString(5, r.signature());
                    insert.setBytes(6, r.image());
                    insert.setString(7, r.qid() + ".png");
                    insert.setString(8, new ObjectMapper().writeValueAsString(r.aspects()));
                    insert.setString(9, r.taskType());
                    insert.execute();
                }
            }
            sql.execute("COPY t TO '" + file + "' (FORMAT PARQUET)");
        }
    }

    private static String aspectsJsonType() {
        return "{" + String.join(", ", ASPECTS.stream().map(a -> "\"" + a + "\": [\"VARCHAR\"]").toList()) + "}";
    }

    /** A v0.1 file: image, image_description, no aspects or task type. */
    static void writeV1(Path file, List<Row> rows) throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("CREATE TABLE t (qid VARCHAR, image STRUCT(bytes BLOB, path VARCHAR), function_signature VARCHAR,"
                    + " test_script VARCHAR, ground_truth_solution VARCHAR, image_description VARCHAR)");
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO t VALUES (?, {'bytes': ?::BLOB, 'path': NULL}, ?, ?, ?, ?)")) {
                for (Row r : rows) {
                    insert.setString(1, r.qid());
                    insert.setBytes(2, r.image());
                    insert.setString(3, r.signature());
                    insert.setString(4, r.test());
                    insert.setString(5, r.solution());
                    insert.setString(6, r.description());
                    insert.execute();
                }
            }
            sql.execute("COPY t TO '" + file + "' (FORMAT PARQUET)");
        }
    }

    /** The same content as a JSON Lines export with PNG files next to it. */
    static Path writeJsonl(Path dir, List<Row> rows, boolean v2) throws Exception {
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        Files.createDirectories(dir.resolve("images"));
        for (Row r : rows) {
            Files.write(dir.resolve("images/" + r.qid() + ".png"), r.image());
            ObjectNode line = json.createObjectNode().put("qid", r.qid()).put(v2 ? "diagram" : "image", "images/" + r.qid() + ".png")
                    .put("function_signature", r.signature()).put("test_script", r.test()).put("ground_truth_solution", r.solution())
                    .put(v2 ? "ground_truth_diagram_description" : "image_description", r.description());
            if (v2) {
                line.put("task_type", r.taskType());
                line.set("capability_aspects", json.valueToTree(r.aspects()));
            }
            lines.append(line).append('\n');
        }
        Path file = dir.resolve("tasks.jsonl");
        Files.writeString(file, lines);
        return file;
    }

    /** Equal tasks, except that each loader has its own image file: those must hold the same bytes. */
    private static void assertSameTasks(HumanEvalVDataset.Loaded expected, HumanEvalVDataset.Loaded actual) throws Exception {
        assertEquals(expected.version(), actual.version());
        assertEquals(expected.problems(), actual.problems());
        assertEquals(expected.items().size(), actual.items().size());
        for (int i = 0; i < expected.items().size(); i++) {
            HumanEvalVItem e = expected.items().get(i);
            HumanEvalVItem a = actual.items().get(i);
            assertEquals(e, new HumanEvalVItem(a.qid(), a.version(), e.image(), a.functionSignature(), a.testScript(),
                    a.groundTruthSolution(), a.description(), a.taskType(), a.capabilityAspects()));
            assertArrayEquals(Files.readAllBytes(e.image()), Files.readAllBytes(a.image()), "the image of " + a.qid());
        }
    }

    @Test
    void aVersionTwoFileLoadsAsItsJsonLinesExportDoes(@TempDir Path dir) throws Exception {
        Path parquet = dir.resolve("test-00000-of-00001.parquet");
        writeV2(parquet, rows());
        HumanEvalVDataset.Loaded loaded = HumanEvalVDataset.read(parquet, dir.resolve("images-out"));
        assertEquals(HumanEvalVGrader.Version.V2, loaded.version());
        assertEquals(List.of("q1", "q1-2"), loaded.items().stream().map(HumanEvalVItem::qid).toList());
        HumanEvalVItem first = loaded.items().get(0);
        assertEquals(dir.resolve("images-out/q1.png"), first.image());
        assertEquals(List.of("Square", "Grid"), first.capabilityAspects().get("Geometric Objects"));
        assertEquals(ASPECTS, List.copyOf(first.capabilityAspects().keySet()));
        assertEquals("Iterative Calculation", first.taskType());
        assertSameTasks(HumanEvalVDataset.read(writeJsonl(dir.resolve("export"), rows(), true), dir), loaded);
    }

    @Test
    void aVersionZeroOneFileLoadsAsItsJsonLinesExportDoes(@TempDir Path dir) throws Exception {
        Path parquet = dir.resolve("v1.parquet");
        writeV1(parquet, rows());
        HumanEvalVDataset.Loaded loaded = HumanEvalVDataset.read(parquet, dir.resolve("img"));
        assertEquals(HumanEvalVGrader.Version.V1, loaded.version());
        assertEquals("a red square", loaded.items().get(0).description());
        assertEquals(Map.of(), loaded.items().get(0).capabilityAspects());
        List<Row> withoutV2Fields = new ArrayList<>();
        for (Row r : rows()) withoutV2Fields.add(new Row(r.qid(), r.image(), r.signature(), r.test(), r.solution(), r.description(), null, Map.of()));
        assertSameTasks(HumanEvalVDataset.read(writeJsonl(dir.resolve("export"), withoutV2Fields, false), dir), loaded);
    }

    @Test
    void aJpegImageIsConvertedAndUnreadableBytesNameTheirTask(@TempDir Path dir) throws Exception {
        List<Row> rows = new ArrayList<>(rows());
        Row jpeg = rows.get(0);
        rows.set(0, new Row(jpeg.qid(), image("jpg", Color.RED), jpeg.signature(), jpeg.test(), jpeg.solution(), jpeg.description(),
                jpeg.taskType(), jpeg.aspects()));
        Row bad = rows.get(1);
        rows.set(1, new Row(bad.qid(), "not an image".getBytes(), bad.signature(), bad.test(), bad.solution(), bad.description(),
                bad.taskType(), bad.aspects()));
        Path parquet = dir.resolve("mixed.parquet");
        writeV2(parquet, rows);
        HumanEvalVDataset.Loaded loaded = HumanEvalVDataset.read(parquet, dir.resolve("img"));
        assertEquals(1, loaded.items().size());
        BufferedImage converted = ImageIO.read(loaded.items().get(0).image().toFile());
        assertEquals(6, converted.getWidth());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, java.util.Arrays.copyOf(Files.readAllBytes(loaded.items().get(0).image()), 4));
        assertEquals(List.of("mixed.parquet row 2 (task q1-2): the diagram is not a PNG and no image format evalbox reads"
                + " (it starts with 6e 6f 74 20 61 6e 20 69): convert it to PNG"), loaded.problems());
    }

    @Test
    void aMissingColumnIsNamed(@TempDir Path dir) throws Exception {
        Path parquet = dir.resolve("partial.parquet");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("COPY (SELECT 'q1' AS qid, {'bytes': '\\x89PNG'::BLOB, 'path': NULL::VARCHAR} AS diagram, 'assert True' AS test_script)"
                    + " TO '" + parquet + "' (FORMAT PARQUET)");
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HumanEvalVDataset.read(parquet, dir));
        assertTrue(e.getMessage().startsWith("partial.parquet: column function_signature missing (a v2 file has qid, diagram,"), e.getMessage());

        Path other = dir.resolve("other.parquet");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = db.createStatement()) {
            sql.execute("COPY (SELECT 'x' AS question, 1 AS answer) TO '" + other + "' (FORMAT PARQUET)");
        }
        e = assertThrows(IllegalArgumentException.class, () -> HumanEvalVDataset.read(other, dir));
        assertEquals("other.parquet: no \"image\" (v0.1) or \"diagram\" (v2) column, so not HumanEval-V; its columns are [question, answer]",
                e.getMessage());
    }

    @Test
    void aFileThatIsNotParquetIsRefusedClearly(@TempDir Path dir) throws Exception {
        Path fake = dir.resolve("tasks.parquet");
        Files.writeString(fake, "{\"qid\": \"q1\"}\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HumanEvalVDataset.read(fake, dir));
        assertEquals(fake + " is not a parquet file (no PAR1 magic bytes at its start and end): pass the Hugging Face parquet file"
                + " or a JSON Lines export", e.getMessage());

        Path truncated = dir.resolve("cut.parquet");
        writeV2(truncated, rows());
        byte[] whole = Files.readAllBytes(truncated);
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length);
        for (int i = 4; i < 200; i++) cut[i] = 0; // the data pages, not the magic bytes
        System.arraycopy(new byte[] {'P', 'A', 'R', '1'}, 0, cut, cut.length - 4, 4);
        for (int i = cut.length - 40; i < cut.length - 8; i++) cut[i] = 0x7f; // the footer
        Files.write(truncated, cut);
        e = assertThrows(IllegalArgumentException.class, () -> HumanEvalVDataset.read(truncated, dir));
        assertTrue(e.getMessage().startsWith(truncated + " cannot be read as parquet: "), e.getMessage());
    }
}
