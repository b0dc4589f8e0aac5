package dev.evalbox.sandbox;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The sandbox backends on the class path (found with {@link ServiceLoader}) and the choice among
 * them: by name, or "auto" for the available one with the highest priority.
 */
public final class SandboxProviders {
    public static final String AUTO = "auto";

    private SandboxProviders() { }

    /** A new, unopened instance of every provider on the class path, highest priority first. */
    public static List<SandboxProvider> all() {
        List<SandboxProvider> found = new ArrayList<>();
        ServiceLoader.load(SandboxProvider.class, SandboxProviders.class.getClassLoader()).forEach(found::add);
        found.sort(Comparator.comparingInt(SandboxProvider::priority).reversed().thenComparing(SandboxProvider::name));
        return found;
    }

    /** The names --backend accepts: every provider's and "auto". */
    public static List<String> names() {
        List<String> names = new ArrayList<>(all().stream().map(SandboxProvider::name).toList());
        names.add(AUTO);
        return names;
    }

    /**
     * The provider named {@code name}, or for "auto" the available one with the highest priority;
     * {@code notes} hears which "auto" chose, why it passed over better ones, and when the chosen
     * one is not isolated. Throws {@link BackendUnavailableException} when the named provider does
     * not exist or cannot run sandboxes of {@code spec} here.
     */
    public static SandboxProvider open(String name, SandboxSpec spec, Consumer<String> notes) {
        List<SandboxProvider> providers = all();
        if (!AUTO.equals(name)) {
            SandboxProvider provider = providers.stream().filter(p -> p.name().equals(name)).findFirst()
                    .orElseThrow(() -> new BackendUnavailableException(name, "unknown backend \"" + name + "\": use "
                            + String.join(", ", names().subList(0, names().size() - 1)) + " or " + AUTO));
            SandboxProvider.Availability availability = provider.available(spec);
            if (!availability.ok()) throw new BackendUnavailableException(name, availability.reason());
            return provider;
        }
        List<String> passedOver = new ArrayList<>();
        for (SandboxProvider provider : providers) {
            SandboxProvider.Availability availability = provider.available(spec);
            if (availability.ok()) {
                if (!provider.isolated()) {
                    notes.accept("using the " + provider.name() + " backend, which is NOT isolated"
                            + (passedOver.isEmpty() ? "" : ": " + String.join("; ", passedOver)) + ".");
                } else if (!passedOver.isEmpty()) {
                    notes.accept("using the " + provider.name() + " backend: " + String.join("; ", passedOver) + ".");
                }
                return provider;
            }
            passedOver.add(availability.reason());
        }
        throw new BackendUnavailableException(AUTO, "no sandbox backend can run here: "
                + providers.stream().map(p -> p.name() + ": " + p.available(spec).reason()).collect(Collectors.joining("; ")));
    }

    /** A backend that does not exist or cannot run sandboxes here; the message says why. */
    public static final class BackendUnavailableException extends SandboxException {
        private final String backend;

        BackendUnavailableException(String backend, String message) {
            super(message);
            this.backend = backend;
        }

        /** The name asked for. */
        public String backend() { return backend; }
    }
}
