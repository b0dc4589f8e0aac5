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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Resolves Maven coordinates and their runtime dependencies to jar files, for %maven (Maven Resolver, as Maven itself uses). */
final class MavenJars {
    static final String CENTRAL = "https://repo.maven.apache.org/maven2/";

    private MavenJars() {
    }

    /**
     * The jars of {@code coordinates} (group:artifact[:extension[:classifier]]:version) and of everything they need at
     * run time, fetched from {@code repositories} into {@code localRepository} (Maven's cache layout).
     */
    static List<Path> resolve(List<String> coordinates, List<String> repositories, Path localRepository) {
        RepositorySystem system = new RepositorySystemSupplier().get();
        try {
            DefaultRepositorySystemSession session = MavenRepositorySystemUtils.newSession();
            session.setLocalRepositoryManager(system.newLocalRepositoryManager(session, new LocalRepository(localRepository.toFile())));
            List<RemoteRepository> remotes = new ArrayList<>();
            for (int i = 0; i < repositories.size(); i++) {
                remotes.add(new RemoteRepository.Builder(i == 0 && repositories.get(i).equals(CENTRAL) ? "central" : "repo-" + i,
                        "default", repositories.get(i)).build());
            }
            CollectRequest collect = new CollectRequest();
            for (String coordinate : coordinates) {
                DefaultArtifact artifact;
                try {
                    artifact = new DefaultArtifact(coordinate);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("\"" + coordinate + "\" is not group:artifact:version");
                }
                collect.addDependency(new Dependency(artifact, JavaScopes.RUNTIME));
            }
            collect.setRepositories(remotes);
            DependencyRequest request = new DependencyRequest(collect, DependencyFilterUtils.classpathFilter(JavaScopes.RUNTIME));
            List<Path> jars = new ArrayList<>();
            for (ArtifactResult result : system.resolveDependencies(session, request).getArtifactResults()) {
                jars.add(result.getArtifact().getFile().toPath());
            }
            return jars;
        } catch (DependencyResolutionException e) {
            throw new IllegalStateException("could not resolve " + String.join(", ", coordinates) + " from "
                    + String.join(", ", repositories) + ": " + e.getMessage(), e);
        } finally {
            system.shutdown();
        }
    }
}
