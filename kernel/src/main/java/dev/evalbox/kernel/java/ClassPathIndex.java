package dev.evalbox.kernel.java;

import jdk.jshell.JShell;

import javax.tools.FileObject;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Iterator;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * Keeps javac's index of the class path from one compile to the next inside JShell.
 *
 * <p>Why: javac (JDK 17) starts every compile by handing the file manager its {@code --multi-release}
 * setting, always the same value, and the standard file manager takes any such option as a reason to
 * throw away its index of the class path (which package directory is in which jar). JShell runs about
 * five compiles per snippet ({@code 1 + 1}: parse, two analyses to type the value, analyse and
 * generate), so every cell re-indexed every directory of every jar five times: a fifth of a cell's CPU,
 * measured with JFR on the kernel's evaluator, and more the longer the class path. This file manager
 * sits between JShell and javac's standard one and lets a {@code --multi-release} through only when
 * its value changes; everything else passes unchanged, so what javac sees is the same, only kept.
 *
 * <p>Every call is made under one lock: JShell's completion indexer lists the class path on a thread
 * of its own, and an index it builds from the old path while the path changes (a notebook's %maven)
 * must not outlive the change. Before, the next compile's re-indexing repaired that; now nothing would.
 *
 * <p>It is put in place by reflection (JShell's file manager is internal), which needs
 * {@code --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED}, as {@link CompiledClasses} does; without it
 * cells work as before, only slower.
 */
final class ClassPathIndex implements StandardJavaFileManager {
    private static final String MULTI_RELEASE = "--multi-release";

    private final StandardJavaFileManager standard;
    /** The last --multi-release value passed through. */
    private String multiRelease;

    private ClassPathIndex(StandardJavaFileManager standard) {
        this.standard = standard;
    }

    /** A standard file manager of the JDK's compiler, keeping its index. */
    static ClassPathIndex standard() {
        return new ClassPathIndex(ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8));
    }

    /**
     * Makes {@code shared} the standard file manager under {@code shell}'s compiler, in place of the
     * one JShell made: what the kernel's compiles before JShell was built have read of the class path
     * (every jar opened and indexed, a good part of JShell's own start) is then JShell's too. Returns
     * why not, or null when in place.
     */
    static String keep(JShell shell, ClassPathIndex shared) {
        try {
            Object memory = JShellInternals.fileManager(shell);
            Field standard = JShellInternals.field(memory.getClass(), "stdFileManager");
            Object current = standard.get(memory);
            if (!(current instanceof StandardJavaFileManager)) {
                return "JShell's file manager has no standard file manager in this JDK";
            }
            standard.set(memory, shared);
            return null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return JShellInternals.unreachable(e);
        }
    }

    @Override
    public synchronized boolean handleOption(String current, Iterator<String> remaining) {
        if (!MULTI_RELEASE.equals(current) || !remaining.hasNext()) {
            return standard.handleOption(current, remaining);
        }
        String value = remaining.next();
        if (value.equals(multiRelease)) {
            return true; // already in force: passing it on would only drop the index
        }
        boolean handled = standard.handleOption(current, prepend(value, remaining));
        if (handled) {
            multiRelease = value;
        }
        return handled;
    }

    private static Iterator<String> prepend(String first, Iterator<String> rest) {
        return new Iterator<>() {
            private boolean firstTaken;

            @Override
            public boolean hasNext() {
                return !firstTaken || rest.hasNext();
            }

            @Override
            public String next() {
                if (!firstTaken) {
                    firstTaken = true;
                    return first;
                }
                if (!rest.hasNext()) {
                    throw new NoSuchElementException();
                }
                return rest.next();
            }
        };
    }

    @Override
    public synchronized void setLocation(Location location, Iterable<? extends File> files) throws IOException {
        standard.setLocation(location, files);
    }

    @Override
    public synchronized void setLocationFromPaths(Location location, Collection<? extends Path> paths) throws IOException {
        standard.setLocationFromPaths(location, paths);
    }

    @Override
    public synchronized void setLocationForModule(Location location, String moduleName, Collection<? extends Path> paths) throws IOException {
        standard.setLocationForModule(location, moduleName, paths);
    }

    @Override
    public synchronized Iterable<? extends File> getLocation(Location location) {
        return standard.getLocation(location);
    }

    @Override
    public synchronized Iterable<? extends Path> getLocationAsPaths(Location location) {
        return standard.getLocationAsPaths(location);
    }

    @Override
    public synchronized Path asPath(FileObject file) {
        return standard.asPath(file);
    }

    @Override
    public synchronized void setPathFactory(PathFactory factory) {
        standard.setPathFactory(factory);
    }

    @Override
    public synchronized Iterable<? extends JavaFileObject> getJavaFileObjectsFromFiles(Iterable<? extends File> files) {
        return standard.getJavaFileObjectsFromFiles(files);
    }

    @Override
    public synchronized Iterable<? extends JavaFileObject> getJavaFileObjectsFromPaths(Collection<? extends Path> paths) {
        return standard.getJavaFileObjectsFromPaths(paths);
    }

    @Override
    @SuppressWarnings("deprecation") // forwarded as it is, for callers that still use it
    public synchronized Iterable<? extends JavaFileObject> getJavaFileObjectsFromPaths(Iterable<? extends Path> paths) {
        return standard.getJavaFileObjectsFromPaths(paths);
    }

    @Override
    public synchronized Iterable<? extends JavaFileObject> getJavaFileObjects(File... files) {
        return standard.getJavaFileObjects(files);
    }

    @Override
    public synchronized Iterable<? extends JavaFileObject> getJavaFileObjects(Path... paths) {
        return standard.getJavaFileObjects(paths);
    }

    @Override
    public synchronized Iterable<? extends JavaFileObject> getJavaFileObjectsFromStrings(Iterable<String> names) {
        return standard.getJavaFileObjectsFromStrings(names);
    }

    @Override
    public synchronized Iterable<? extends JavaFileObject> getJavaFileObjects(String... names) {
        return standard.getJavaFileObjects(names);
    }

    @Override
    public synchronized ClassLoader getClassLoader(Location location) {
        return standard.getClassLoader(location);
    }

    @Override
    public synchronized Iterable<JavaFileObject> list(Location location, String packageName, Set<JavaFileObject.Kind> kinds, boolean recurse)
            throws IOException {
        return standard.list(location, packageName, kinds, recurse);
    }

    @Override
    public synchronized String inferBinaryName(Location location, JavaFileObject file) {
        return standard.inferBinaryName(location, file);
    }

    @Override
    public synchronized boolean isSameFile(FileObject a, FileObject b) {
        return standard.isSameFile(a, b);
    }

    @Override
    public synchronized boolean hasLocation(Location location) {
        return standard.hasLocation(location);
    }

    @Override
    public synchronized JavaFileObject getJavaFileForInput(Location location, String className, JavaFileObject.Kind kind) throws IOException {
        return standard.getJavaFileForInput(location, className, kind);
    }

    @Override
    public synchronized JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling)
            throws IOException {
        return standard.getJavaFileForOutput(location, className, kind, sibling);
    }

    @Override
    public synchronized FileObject getFileForInput(Location location, String packageName, String relativeName) throws IOException {
        return standard.getFileForInput(location, packageName, relativeName);
    }

    @Override
    public synchronized FileObject getFileForOutput(Location location, String packageName, String relativeName, FileObject sibling)
            throws IOException {
        return standard.getFileForOutput(location, packageName, relativeName, sibling);
    }

    @Override
    public synchronized Location getLocationForModule(Location location, String moduleName) throws IOException {
        return standard.getLocationForModule(location, moduleName);
    }

    @Override
    public synchronized Location getLocationForModule(Location location, JavaFileObject file) throws IOException {
        return standard.getLocationForModule(location, file);
    }

    @Override
    public synchronized <S> ServiceLoader<S> getServiceLoader(Location location, Class<S> service) throws IOException {
        return standard.getServiceLoader(location, service);
    }

    @Override
    public synchronized String inferModuleName(Location location) throws IOException {
        return standard.inferModuleName(location);
    }

    @Override
    public synchronized Iterable<Set<Location>> listLocationsForModules(Location location) throws IOException {
        return standard.listLocationsForModules(location);
    }

    @Override
    public synchronized boolean contains(Location location, FileObject file) throws IOException {
        return standard.contains(location, file);
    }

    @Override
    public synchronized int isSupportedOption(String option) {
        return standard.isSupportedOption(option);
    }

    @Override
    public synchronized void flush() throws IOException {
        standard.flush();
    }

    @Override
    public synchronized void close() throws IOException {
        standard.close();
    }

    @Override
    public String toString() {
        return "ClassPathIndex[" + Objects.toString(standard) + "]";
    }
}
