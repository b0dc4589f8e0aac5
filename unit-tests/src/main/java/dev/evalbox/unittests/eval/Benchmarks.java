package dev.evalbox.unittests.eval;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The benchmarks on the class path, found with {@link ServiceLoader} (each jar lists its own in
 * {@code META-INF/services/dev.evalbox.unittests.eval.Benchmark}), sorted by name.
 */
public final class Benchmarks {
    private Benchmarks() { }

    public static List<Benchmark> all() {
        return all(Benchmarks.class.getClassLoader());
    }

    public static List<Benchmark> all(ClassLoader loader) {
        List<Benchmark> found = ServiceLoader.load(Benchmark.class, loader).stream().map(ServiceLoader.Provider::get)
                .sorted(Comparator.comparing(Benchmark::name)).toList();
        for (int i = 1; i < found.size(); i++) {
            if (found.get(i).name().equals(found.get(i - 1).name())) {
                throw new IllegalStateException("two benchmarks are named \"" + found.get(i).name() + "\": "
                        + found.get(i - 1).getClass().getName() + " and " + found.get(i).getClass().getName());
            }
        }
        return found;
    }

    public static Optional<Benchmark> named(String name) {
        return all().stream().filter(b -> b.name().equals(name)).findFirst();
    }
}
