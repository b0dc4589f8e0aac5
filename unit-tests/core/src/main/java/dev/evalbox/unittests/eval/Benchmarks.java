package dev.evalbox.unittests.eval;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The benchmarks evalbox can run, found with {@link ServiceLoader} (each jar lists its own in
 * {@code META-INF/services/dev.evalbox.unittests.eval.Benchmark}), sorted by name: those on the class path,
 * and those of the distribution's {@code benchmarks/} folder ({@value #HOME_VARIABLE}{@code /benchmarks/NAME/*.jar},
 * each folder on a class loader of its own, so that one benchmark's heavy libraries, a browser driver or
 * a database engine, load only when it is used and never sit on the kernel's or the CLI's class path).
 * Classes named in the system property {@value #PROPERTY} or the environment variable {@value #VARIABLE}
 * (comma-separated) are added: a benchmark being written, one class on the class path, runs before it is packaged.
 */
public final class Benchmarks {
    public static final String PROPERTY = "evalbox.benchmarks";
    public static final String VARIABLE = "EVALBOX_BENCHMARKS";
    /** Where the distribution is (set by its launcher); its {@code benchmarks/} folder holds a folder per benchmark. */
    public static final String HOME_VARIABLE = "EVALBOX_HOME";
    private static volatile List<ClassLoader> folders;

    private Benchmarks() { }

    public static List<Benchmark> all() {
        return all(Benchmarks.class.getClassLoader());
    }

    public static List<Benchmark> all(ClassLoader loader) {
        List<Benchmark> found = new ArrayList<>(ServiceLoader.load(Benchmark.class, loader).stream()
                .map(ServiceLoader.Provider::get).toList());
        Set<String> classes = new HashSet<>();
        found.forEach(b -> classes.add(b.getClass().getName()));
        for (ClassLoader folder : folders()) {
            // a benchmark both on the class path and in the folder (a test run with EVALBOX_HOME set) counts once
            ServiceLoader.load(Benchmark.class, folder).stream().map(ServiceLoader.Provider::get)
                    .filter(b -> classes.add(b.getClass().getName())).forEach(found::add);
        }
        String named = System.getProperty(PROPERTY, System.getenv(VARIABLE));
        if (named != null) {
            for (String name : named.split(",")) {
                if (!name.isBlank()) found.add(instantiate(name.strip(), loader));
            }
        }
        found.sort(Comparator.comparing(Benchmark::name));
        for (int i = 1; i < found.size(); i++) {
            if (found.get(i).name().equals(found.get(i - 1).name())) {
                throw new IllegalStateException("two benchmarks are named \"" + found.get(i).name() + "\": "
                        + found.get(i - 1).getClass().getName() + " and " + found.get(i).getClass().getName());
            }
        }
        return List.copyOf(found);
    }

    /** Where benchmarks and what they provide are looked for: this class's loader, then each benchmark folder's. */
    public static List<ClassLoader> loaders() {
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(Benchmarks.class.getClassLoader());
        loaders.addAll(folders());
        return loaders;
    }

    /** A class loader per folder of HOME/benchmarks, made once; none outside a distribution. */
    private static List<ClassLoader> folders() {
        List<ClassLoader> made = folders;
        if (made != null) return made;
        synchronized (Benchmarks.class) {
            if (folders != null) return folders;
            List<ClassLoader> loaders = new ArrayList<>();
            String home = System.getProperty("evalbox.home", System.getenv(HOME_VARIABLE));
            Path root = home == null || home.isBlank() ? null : Path.of(home, "benchmarks");
            if (root != null && Files.isDirectory(root)) {
                try (Stream<Path> dirs = Files.list(root)) {
                    for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                        URL[] jars;
                        try (Stream<Path> files = Files.list(dir)) {
                            jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().map(Benchmarks::url).toArray(URL[]::new);
                        }
                        if (jars.length > 0) {
                            loaders.add(new URLClassLoader("evalbox-benchmark-" + dir.getFileName(), jars, Benchmarks.class.getClassLoader()));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot list the benchmarks in " + root, e);
                }
            }
            folders = List.copyOf(loaders);
            return folders;
        }
    }

    private static URL url(Path jar) {
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a usable jar path: " + jar, e);
        }
    }

    private static Benchmark instantiate(String className, ClassLoader loader) {
        try {
            Object created = Class.forName(className, true, loader).getConstructor().newInstance();
            if (created instanceof Benchmark benchmark) return benchmark;
            throw new UserException(className + " (named in " + PROPERTY + "/" + VARIABLE + ") is not a Benchmark");
        } catch (ReflectiveOperationException e) {
            throw new UserException("cannot load the benchmark " + className + " named in " + PROPERTY + "/" + VARIABLE
                    + ": " + e + " (is it on the class path, public, with a public no-argument constructor?)");
        }
    }

    public static Optional<Benchmark> named(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
