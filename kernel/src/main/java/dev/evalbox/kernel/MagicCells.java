package dev.evalbox.kernel;

import dev.evalbox.kernel.java.CellError;
import dev.evalbox.kernel.java.CellOutcome;
import dev.evalbox.kernel.java.JavaEvaluator;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Runs a cell that may hold magics. {@code %%name args} on the first line makes the whole cell a
 * cell magic; {@code %name args} lines are line magics, run in order between the Java around them.
 * %time, %%time and %classpath act on the kernel and run here; every other magic becomes a call
 * to {@code Magics} in the cells' world, where the evalbox API lives.
 */
final class MagicCells {
    private static final String MAGICS = "dev.evalbox.kernel.notebook.Magics";
    /** String constants are limited to 65535 bytes in a class file: longer text is passed in pieces. */
    private static final int LITERAL_CHUNK = 8000;

    private final JavaEvaluator java;

    MagicCells(JavaEvaluator java) {
        this.java = java;
    }

    CellOutcome run(String code) {
        String cell = stripLeadingBlankLines(code);
        if (cell.startsWith("%%")) {
            int newline = cell.indexOf('\n');
            String header = newline < 0 ? cell.substring(2) : cell.substring(2, newline);
            String body = newline < 0 ? "" : cell.substring(newline + 1);
            String name = header.strip().split("\\s+", 2)[0];
            String args = header.strip().length() > name.length() ? header.strip().substring(name.length()).strip() : "";
            if (name.equals("time")) {
                return args.contains("--help") ? help("%%time: runs the rest of the cell and prints the wall time it took")
                        : timed(() -> run(body));
            }
            return java.execute(MAGICS + ".cell(" + literal(name) + ", " + literal(args) + ", " + literal(body) + ")");
        }
        if (cell.lines().noneMatch(MagicCells::isLineMagic)) {
            return java.execute(code);
        }
        CellOutcome outcome = CellOutcome.ok();
        StringBuilder pending = new StringBuilder();
        for (String line : code.split("\n", -1)) {
            if (!isLineMagic(line)) {
                pending.append(line).append('\n');
                continue;
            }
            if (!pending.toString().isBlank()) {
                outcome = java.execute(pending.toString());
                if (outcome.failed()) {
                    return outcome;
                }
            }
            pending.setLength(0);
            outcome = lineMagic(line.strip().substring(1));
            if (outcome.failed()) {
                return outcome;
            }
        }
        return pending.toString().isBlank() ? outcome : java.execute(pending.toString());
    }

    private CellOutcome lineMagic(String text) {
        String name = text.split("\\s+", 2)[0];
        String args = text.length() > name.length() ? text.substring(name.length()).strip() : "";
        switch (name) {
            case "time" -> {
                return args.equals("--help") ? help("%time CODE: runs the Java code and prints the wall time it took")
                        : timed(() -> java.execute(args));
            }
            case "maven" -> {
                return args.isEmpty() || args.equals("--help") ? help(MAVEN_HELP) : maven(args);
            }
            case "classpath" -> {
                return args.isEmpty() || args.equals("--help")
                        ? help("%classpath PATH...: adds jars or class directories to the cells' class path (separate with spaces or "
                        + File.pathSeparator + "); the kernel's own libraries stay out of the cells' sight")
                        : classpath(args);
            }
            default -> {
                return java.execute(MAGICS + ".line(" + literal(name) + ", " + literal(args) + ")");
            }
        }
    }

    private static final String MAVEN_HELP = "%maven GROUP:ARTIFACT:VERSION... [--repo URL]... [--settings FILE] [--local-repository DIR]:"
            + " resolves the artifacts and their runtime dependencies as `mvn` would (Maven's central repository plus each"
            + " --repo, through the mirrors and into the local repository of this machine's settings.xml: ~/.m2/settings.xml"
            + " or --settings, then the Maven installation's) and adds the jars to the cells' class path. Classes the evalbox"
            + " API already brings (Jackson, for one) keep the API's version; the kernel's own libraries are unaffected.";

    private CellOutcome maven(String args) {
        List<String> coordinates = new ArrayList<>();
        List<String> repositories = new ArrayList<>();
        Path settingsFile = null;
        Path local = null;
        String[] words = args.split("\\s+");
        for (int i = 0; i < words.length; i++) {
            boolean takesValue = List.of("--repo", "--settings", "--local-repository").contains(words[i]);
            if (takesValue && i + 1 >= words.length) {
                return failed("IllegalArgumentException", words[i] + " needs a value");
            }
            switch (words[i]) {
                case "--repo" -> repositories.add(words[++i].endsWith("/") ? words[i] : words[i] + "/");
                case "--settings" -> settingsFile = Path.of(words[++i]).toAbsolutePath();
                case "--local-repository" -> local = Path.of(words[++i]).toAbsolutePath();
                default -> coordinates.add(words[i]);
            }
        }
        List<Path> jars;
        try {
            MavenSettings settings = MavenSettings.read(settingsFile);
            jars = MavenJars.resolve(coordinates, repositories, settings, local != null ? local : settings.localRepository());
        } catch (RuntimeException e) {
            return failed(e.getClass().getSimpleName(), e.getMessage());
        }
        for (Path jar : jars) {
            java.addToClasspath(jar.toString());
        }
        System.out.println("added " + jars.size() + " jar" + (jars.size() == 1 ? "" : "s") + " to the class path: "
                + String.join(", ", jars.stream().map(p -> p.getFileName().toString()).toList()));
        return CellOutcome.ok();
    }

    private static CellOutcome failed(String name, String message) {
        return CellOutcome.failed(new CellError(name, message, List.of(name + ": " + message)));
    }

    private CellOutcome classpath(String args) {
        List<String> added = new ArrayList<>();
        for (String entry : args.split("[\\s" + File.pathSeparator + "]+")) {
            Path path = Path.of(entry).toAbsolutePath();
            if (!Files.exists(path)) {
                return CellOutcome.failed(new CellError("FileNotFoundException", path + " does not exist",
                        List.of("FileNotFoundException: %classpath: " + path + " does not exist")));
            }
            java.addToClasspath(path.toString());
            added.add(path.toString());
        }
        System.out.println("added to the class path: " + String.join(", ", added));
        return CellOutcome.ok();
    }

    private static CellOutcome timed(Supplier<CellOutcome> body) {
        long start = System.nanoTime();
        CellOutcome outcome = body.get();
        double millis = (System.nanoTime() - start) / 1e6;
        System.out.println(millis >= 1000 ? String.format(Locale.ROOT, "Wall time: %.2f s", millis / 1000)
                : String.format(Locale.ROOT, "Wall time: %.1f ms", millis));
        return outcome;
    }

    private static CellOutcome help(String text) {
        System.out.println(text);
        return CellOutcome.ok();
    }

    private static boolean isLineMagic(String line) {
        String stripped = line.stripLeading();
        return stripped.startsWith("%") && !stripped.startsWith("%%") && stripped.length() > 1
                && Character.isLetter(stripped.charAt(1));
    }

    private static String stripLeadingBlankLines(String code) {
        String rest = code;
        while (true) {
            int newline = rest.indexOf('\n');
            if (newline < 0 || !rest.substring(0, newline).isBlank()) {
                return rest;
            }
            rest = rest.substring(newline + 1);
        }
    }

    /** Java source for a string with exactly this text. */
    static String literal(String text) {
        if (text.length() > LITERAL_CHUNK) {
            List<String> pieces = new ArrayList<>();
            int start = 0;
            while (start < text.length()) {
                int end = Math.min(text.length(), start + LITERAL_CHUNK);
                if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                    end--; // never split a surrogate pair between two pieces
                }
                pieces.add(literal(text.substring(start, end)));
                start = end;
            }
            return "String.join(\"\", " + String.join(", ", pieces) + ")";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '"' -> out.append("\\\"");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\%03o", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
