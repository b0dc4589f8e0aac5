package dev.evalbox.unittests.humanevalv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.duckdb.DuckDBDriver;

/**
 * Reads HumanEval-V as Hugging Face publishes it: one parquet file, v0.1 (column "image") or v2 (column
 * "diagram", plus capability_aspects and task_type). DuckDB does the reading, so every parquet encoding and
 * compression works. An HF Image column is a struct {bytes, path}; each image is written as
 * {@code <qid>.png} into the image directory (converted when it is another format ImageIO reads), because
 * the rest of evalbox handles tasks whose image is a file.
 */
public final class HumanEvalVParquet {
    private static final byte[] MAGIC = {'P', 'A', 'R', '1'};
    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final List<String> REQUIRED_TEXT = List.of("qid", "function_signature", "test_script");

    private HumanEvalVParquet() { }

    /** True when the file starts and ends with parquet's magic bytes. */
    public static boolean looksLikeParquet(Path file) {
        try {
            long size = Files.size(file);
            if (size < 12) return false;
            byte[] head = new byte[4];
            byte[] tail = new byte[4];
            try (var channel = Files.newByteChannel(file)) {
                channel.read(java.nio.ByteBuffer.wrap(head));
                channel.position(size - 4);
                channel.read(java.nio.ByteBuffer.wrap(tail));
            }
            return Arrays.equals(head, MAGIC) && Arrays.equals(tail, MAGIC);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * Loads the tasks; a file that is not HumanEval-V parquet (no magic bytes, a missing column) is an
     * {@link IllegalArgumentException} naming the problem, a bad row a problem naming its qid (the row skipped).
     */
    public static HumanEvalVDataset.Loaded read(Path file, Path imageDir) {
        String name = file.getFileName().toString();
        if (!looksLikeParquet(file)) {
            throw new IllegalArgumentException(file + " is not a parquet file (no PAR1 magic bytes at its start and end):"
                    + " pass the Hugging Face parquet file or a JSON Lines export");
        }
        String path = "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
        String source = "read_parquet(" + path + ", file_row_number = true)";
        // the driver itself, not DriverManager: DuckDB is on the benchmark's own class path in the distribution, where
        // DriverManager's start-up scan of the application class path does not find it
        try (Connection db = new DuckDBDriver().connect("jdbc:duckdb:", new Properties()); Statement sql = db.createStatement()) {
            Map<String, String> columns = new LinkedHashMap<>();
            try (ResultSet rs = sql.executeQuery("DESCRIBE SELECT * FROM read_parquet(" + path + ")")) {
                while (rs.next()) columns.put(rs.getString("column_name"), rs.getString("column_type"));
            }
            HumanEvalVGrader.Version version = columns.containsKey("diagram") ? HumanEvalVGrader.Version.V2
                    : columns.containsKey("image") ? HumanEvalVGrader.Version.V1 : null;
            if (version == null) {
                throw new IllegalArgumentException(name + ": no \"image\" (v0.1) or \"diagram\" (v2) column, so not HumanEval-V;"
                        + " its columns are " + columns.keySet());
            }
            boolean v2 = version == HumanEvalVGrader.Version.V2;
            String imageColumn = v2 ? "diagram" : "image";
            List<String> missing = REQUIRED_TEXT.stream().filter(c -> !columns.containsKey(c)).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException(name + ": column" + (missing.size() > 1 ? "s " : " ") + String.join(", ", missing)
                        + " missing (a " + (v2 ? "v2" : "v0.1") + " file has " + expectedColumns(version) + ")");
            }
            for (String column : REQUIRED_TEXT) {
                if (!columns.get(column).equals("VARCHAR")) {
                    throw new IllegalArgumentException(name + ": column \"" + column + "\" is " + columns.get(column) + ", expected a string");
                }
            }
            String description = v2 ? "ground_truth_diagram_description" : "image_description";
            String query = "SELECT qid, function_signature, test_script, "
                    + imageSelect(name, imageColumn, columns.get(imageColumn)) + ", "
                    + textOrNull(columns, "ground_truth_solution", "ground_truth_solution") + ", " + textOrNull(columns, description, "description")
                    + ", " + textOrNull(columns, "task_type", "task_type") + ", "
                    + (columns.containsKey("capability_aspects") ? "to_json(capability_aspects)::VARCHAR" : "NULL") + " AS aspects"
                    + " FROM " + source + " ORDER BY file_row_number";
            return rows(sql, query, version, file, imageDir);
        } catch (SQLException e) {
            throw new IllegalArgumentException(file + " cannot be read as parquet: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
    }

    private static HumanEvalVDataset.Loaded rows(Statement sql, String query, HumanEvalVGrader.Version version, Path file, Path imageDir)
            throws SQLException {
        List<HumanEvalVItem> items = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        String imageField = version == HumanEvalVGrader.Version.V2 ? "diagram" : "image";
        try (ResultSet rs = sql.executeQuery(query)) {
            for (int row = 1; rs.next(); row++) {
                String where = file.getFileName() + " row " + row;
                String qid = rs.getString("qid");
                if (qid == null || qid.isBlank()) {
                    problems.add(where + ": qid missing");
                    continue;
                }
                where += " (task " + qid + ")";
                if (!seen.add(qid)) {
                    problems.add(where + ": task " + qid + " appears twice");
                    continue;
                }
                String signature = rs.getString("function_signature");
                String test = rs.getString("test_script");
                if (signature == null || test == null) {
                    problems.add(where + ": " + (signature == null ? "function_signature" : "test_script") + " is null");
                    continue;
                }
                byte[] bytes = rs.getBytes("image_bytes");
                String imagePath = rs.getString("image_path");
                Path image;
                try {
                    image = writePng(qid, imageField, bytes, imagePath, file, imageDir);
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": " + e.getMessage());
                    continue;
                }
                Map<String, List<String>> aspects = new TreeMap<>();
                String aspectsJson = rs.getString("aspects");
                if (aspectsJson != null) {
                    try {
                        json.readTree(aspectsJson).fields().forEachRemaining(e -> {
                            List<String> labels = new ArrayList<>();
                            e.getValue().forEach((JsonNode label) -> labels.add(label.asText()));
                            aspects.put(e.getKey(), labels);
                        });
                    } catch (IOException e) {
                        problems.add(where + ": capability_aspects unreadable: " + e.getMessage());
                        continue;
                    }
                }
                items.add(new HumanEvalVItem(qid, version, image, signature, test, rs.getString("ground_truth_solution"),
                        rs.getString("description"), rs.getString("task_type"), aspects));
            }
        }
        return new HumanEvalVDataset.Loaded(List.copyOf(items), version, problems);
    }

    /** The image as {@code <qid>.png} in imageDir: its bytes, else the file its path names next to the parquet file. */
    private static Path writePng(String qid, String field, byte[] bytes, String path, Path file, Path imageDir) {
        if (bytes == null) {
            Path beside = path == null ? null : file.toAbsolutePath().getParent().resolve(path).normalize();
            if (beside == null || !Files.isRegularFile(beside)) {
                throw new IllegalArgumentException("the " + field + " has no bytes" + (path == null ? "" : " and its path " + path
                        + " is not a file next to " + file.getFileName()));
            }
            try {
                bytes = Files.readAllBytes(beside);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + beside, e);
            }
        }
        byte[] png = isPng(bytes) ? bytes : convertToPng(field, bytes);
        String safe = qid.replaceAll("[^A-Za-z0-9._-]", "_");
        if (!safe.equals(qid)) safe += "-" + Integer.toHexString(qid.hashCode());
        Path target = imageDir.resolve(safe + ".png");
        try {
            Files.createDirectories(imageDir);
            Files.write(target, png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the image of task " + qid + " to " + target, e);
        }
        return target;
    }

    private static boolean isPng(byte[] bytes) {
        return bytes.length >= PNG.length && Arrays.equals(Arrays.copyOf(bytes, PNG.length), PNG);
    }

    /** Models get images as PNG data URLs; an HF Image column may hold JPEG and others, which ImageIO converts. */
    private static byte[] convertToPng(String field, byte[] bytes) {
        String head = HexFormat.ofDelimiter(" ").formatHex(Arrays.copyOf(bytes, Math.min(8, bytes.length)));
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            BufferedImage image = ImageIO.read(in);
            if (image == null) {
                throw new IllegalArgumentException("the " + field + " is not a PNG and no image format evalbox reads (it starts with "
                        + head + "): convert it to PNG");
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("the " + field + " (starting with " + head + ") cannot be converted to PNG: " + e.getMessage());
        }
    }

    /** The bytes and path of an HF Image struct, or a plain binary column's bytes. */
    private static String imageSelect(String name, String column, String type) {
        String normalized = type.replace("\"", "").toUpperCase(java.util.Locale.ROOT);
        if (normalized.equals("BLOB")) return column + " AS image_bytes, NULL::VARCHAR AS image_path";
        if (normalized.startsWith("STRUCT(") && normalized.contains("BYTES BLOB")) {
            String path = normalized.contains("PATH VARCHAR") ? "struct_extract(" + column + ", 'path')" : "NULL::VARCHAR";
            return "struct_extract(" + column + ", 'bytes') AS image_bytes, " + path + " AS image_path";
        }
        throw new IllegalArgumentException(name + ": column \"" + column + "\" is " + type
                + ", expected a Hugging Face Image (a struct of bytes BLOB and path VARCHAR)");
    }

    private static String textOrNull(Map<String, String> columns, String column, String alias) {
        return (columns.containsKey(column) ? column + "::VARCHAR" : "NULL::VARCHAR") + " AS " + alias;
    }

    private static String expectedColumns(HumanEvalVGrader.Version version) {
        return version == HumanEvalVGrader.Version.V2
                ? "qid, diagram, function_signature, test_script, ground_truth_solution, ground_truth_diagram_description,"
                        + " capability_aspects, task_type"
                : "qid, image, function_signature, test_script, ground_truth_solution, image_description";
    }
}
