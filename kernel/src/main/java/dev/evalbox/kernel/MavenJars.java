package dev.evalbox.kernel;

import org.apache.maven.repository.internal.MavenRepositorySystemUtils;
import org.eclipse.aether.DefaultRepositorySystemSession;
import org.eclipse.aether.RepositorySystem;
import org.eclipse.aether.artifact.DefaultArtifact;
import org.eclipse.aether.collection.CollectRequest;
import org.eclipse.aether.graph.Dependency;
import org.eclipse.aether.repository.LocalRepository;
import org.eclipse.aether.repository.RemoteRepository;
import org.eclipse.aether.resolution.ArtifactResult;
import org.eclipse.aether.resolution.DependencyRequest;
import org.eclipse.aether.resolution.DependencyResolutionException;
import org.eclipse.aether.supplier.RepositorySystemSupplier;
import org.eclipse.aether.util.artifact.JavaScopes;
import org.eclipse.aether.util.filter.DependencyFilterUtils;
import org.eclipse.aether.util.repository.DefaultMirrorSelector;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves Maven coordinates and their runtime dependencies to jar files, for %maven, with Maven
 * Resolver (what Maven itself uses). No repository host is written here: central comes from Maven's
 * own super POM and every mirror from the machine's settings.xml files.
 */
final class MavenJars {
    /** Maven's super POM, which declares the central repository every build starts from. */
    private static final String SUPER_POM = "/org/apache/maven/model/pom-4.0.0.xml";

    private MavenJars() {
    }

    /**
     * The jars of {@code coordinates} (group:artifact[:extension[:classifier]]:version) and of everything they need at
     * run time: from Maven's central repository and {@code extraRepositories}, through the mirrors of {@code settings}
     * (as `mvn` resolves), into {@code localRepository} (Maven's cache layout).
     */
    static List<Path> resolve(List<String> coordinates, List<String> extraRepositories, MavenSettings settings, Path localRepository) {
        CollectRequest collect = new CollectRequest();
        for (String coordinate : coordinates) {
            try {
                collect.addDependency(new Dependency(new DefaultArtifact(coordinate), JavaScopes.RUNTIME));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("\"" + coordinate + "\" is not group:artifact:version");
            }
        }
        List<RemoteRepository> remotes = new ArrayList<>();
        remotes.add(new RemoteRepository.Builder("central", "default", centralUrl()).build());
        for (int i = 0; i < extraRepositories.size(); i++) {
            remotes.add(new RemoteRepository.Builder("repo-" + (i + 1), "default", extraRepositories.get(i)).build());
        }
        DefaultMirrorSelector mirrors = new DefaultMirrorSelector();
        settings.mirrors().forEach(m -> mirrors.add(m.id(), m.url(), "default", false, m.blocked(), m.mirrorOf(), "*"));
        RepositorySystem system = new RepositorySystemSupplier().get();
        List<RemoteRepository> used = remotes;
        try {
            DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
            session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
            session.setMirrorSelector(mirrors);
            used = system.newResolutionRepositories(session, remotes); // the mirrors applied, as Maven applies them
            collect.setRepositories(used);
            DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult result : system.resolveDependencies(session, request).getArtifactResults()) {
                jars.add(result.getArtifact().getFile().toPath());
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new IllegalStateException("could not resolve " + String.join(", ", coordinates) + " from "
                    + String.join(", ", used.stream().map(RemoteRepository::getUrl).toList()) + ": " + e.getMessage(), e);
        } finally {
            system.shutdown();
        }
    }

    /** The central repository's URL as the Maven model library on the class path declares it. */
    static String centralUrl() {
        try (InputStream in = MavenJars.class.getResourceAsStream(SUPER_POM)) {
            if (in == null) {
                throw new IllegalStateException("Maven's super POM " + SUPER_POM + " is not on the class path");
            }
            Matcher central = Pattern.compile("<id>central</id>.*?<url>\\s*([^<\\s]+)\\s*</url>", Pattern.DOTALL)
                    .matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            if (!central.find()) {
                throw new IllegalStateException("Maven's super POM declares no central repository");
            }
            return central.group(1);
        } catch (IOException e) {
            throw new UncheckedIOException("Maven's super POM is unreadable", e);
        }
    }
}
