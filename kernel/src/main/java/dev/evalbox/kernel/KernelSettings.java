package dev.evalbox.kernel;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * What cells see: the class path (the evalbox API and its libraries, never the kernel's transport)
 * and the snippets run before the first cell (imports); and the warm-up, snippets the kernel compiles
 * and runs at start-up and then forgets, so javac is warm when the first cell comes.
 */
public record KernelSettings(List<String> cellClasspath, List<String> startup, List<String> warmUp) {
    /** Jars only the kernel itself needs (transport, %maven's resolver); a cell that wants another version of them brings its own. */
    private static final List<String> KERNEL_ONLY = List.of("jeromq-", "jnacl-", "maven-resolver-", "maven-model-",
            "maven-repository-metadata-", "maven-artifact-", "maven-builder-support-", "plexus-utils-", "plexus-interpolation-",
            "httpclient-", "httpcore-", "jcl-over-slf4j-");

    public static final List<String> DEFAULT_STARTUP = List.of(
            "import java.util.*;",
            "import java.util.function.*;",
            "import java.util.stream.*;",
            "import java.io.*;",
            "import java.math.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import dev.evalbox.sandbox.*;",
            "import dev.evalbox.kernel.notebook.*;",
            "import static dev.evalbox.kernel.notebook.Notebook.*;");

    /**
     * What the kernel's JVM must open to it: JShell's internals (finished cells' class files let go,
     * javac's class path index kept) and javac's (cells that declare nothing compiled once); without
     * them the kernel works, slower, and logs why. The launcher (bin/evalbox) passes the same.
     */
    public static final List<String> JVM_ACCESS = List.of("--add-opens=jdk.jshell/jdk.jshell=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.code=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED");

    /**
     * What the kernel compiles and runs first, before JShell is built: a plain expression, the kind of
     * cell a notebook most often starts with (javac's first compile, then rendering its value).
     */
    public static final String FIRST_WARM_UP = "1 + 1";

    /**
     * One snippet of each kind javac compiles differently (an expression with a value, a method, a
     * variable with a lambda and a stream, a loop statement, a plain expression), written to compile
     * without the default imports.
     */
    public static final List<String> DEFAULT_WARM_UP = List.of(
            "1 + 1",
            "String evalboxWarmUp(int n) { return String.valueOf(n).repeat(2); }",
            "var evalboxWarmUpList = java.util.List.of(1, 2, 3).stream().map(n -> evalboxWarmUp(n))"
                    + ".collect(java.util.stream.Collectors.toList());",
            "for (int i = 0; i < 2; i++) { evalboxWarmUpList.size(); }",
            "evalboxWarmUpList");

    public KernelSettings {
        cellClasspath = List.copyOf(cellClasspath);
        startup = List.copyOf(startup);
        warmUp = List.copyOf(warmUp);
    }

    public KernelSettings(List<String> cellClasspath, List<String> startup) {
        this(cellClasspath, startup, DEFAULT_WARM_UP);
    }

    public KernelSettings withWarmUp(List<String> snippets) {
        return new KernelSettings(cellClasspath, startup, snippets);
    }

    /**
     * This JVM's class path minus the kernel-only jars, and the default imports. Read once per JVM (the
     * class path does not change; reading it opens every jar's manifest): the launcher asks for them
     * to start the engine early, and the kernel command again.
     */
    public static KernelSettings defaults() {
        return Defaults.SETTINGS;
    }

    private static final class Defaults {
        static final KernelSettings SETTINGS = readDefaults();
    }

    private static KernelSettings readDefaults() {
        List<String> classpath = Arrays.stream(System.getProperty("java.class.path", "").split(File.pathSeparator))
                .filter(entry -> !entry.isBlank())
                .flatMap(entry -> withManifestClassPath(entry).stream())
                .distinct()
                .filter(entry -> KERNEL_ONLY.stream().noneMatch(prefix -> fileName(entry).startsWith(prefix)))
                .toList();
        return new KernelSettings(classpath, DEFAULT_STARTUP);
    }

    /** A jar and the jars its manifest's Class-Path names (launchers such as Maven Surefire put the whole path there). */
    private static List<String> withManifestClassPath(String entry) {
        List<String> entries = new ArrayList<>(List.of(entry));
        Path jar = Path.of(entry);
        if (!entry.endsWith(".jar") || !Files.isRegularFile(jar)) {
            return entries;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (classPath == null) {
                return entries;
            }
            URI base = jar.toAbsolutePath().getParent().toUri();
            for (String relative : classPath.trim().split("\\s+")) {
                URI uri = base.resolve(relative);
                if ("file".equals(uri.getScheme())) {
                    entries.add(Path.of(uri).toString());
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            // an unreadable jar or odd entry: the jar itself stays, its manifest adds nothing
        }
        return entries;
    }

    private static String fileName(String entry) {
        Path name = Path.of(entry).getFileName();
        return name == null ? "" : name.toString();
    }
}
