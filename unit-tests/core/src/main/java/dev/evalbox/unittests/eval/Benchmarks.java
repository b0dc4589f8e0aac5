package dev.evalbox.unittests.eval;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The benchmarks on the class path, found with {@link ServiceLoader} (each jar lists its own in
 * {@code META-INF/services/dev.evalbox.unittests.eval.Benchmark}), sorted by name. Classes named in the
 * system property {@value #PROPERTY} or the environment variable {@value #VARIABLE} (comma-separated) are
 * added: a benchmark being written, one class on the class path, runs before it is packaged.
 */
public final class Benchmarks {
    public static final String PROPERTY = "evalbox.benchmarks";
    public static final String VARIABLE = "EVALBOX_BENCHMARKS";

    private Benchmarks() { }

    public static List<Benchmark> all() {
        return all(Benchmarks.class.getClassLoader());
    }

    public static List<Benchmark> all(ClassLoader loader) {
        List<Benchmark> found = new java.util.ArrayList<>(ServiceLoader.load(Benchmark.class, loader).stream()
                .map(ServiceLoader.Provider::get).toList());
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
