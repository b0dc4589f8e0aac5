package dev.evalbox.kernel.java;

import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.ClassInstallException;
import jdk.jshell.spi.ExecutionControl.InternalException;
import jdk.jshell.execution.LoaderDelegate;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defines the classes JShell compiles from cells, and the jars a notebook adds, in a class loader
 * under a parent the kernel chooses. JShell's own delegate always sits under the application class
 * loader; ours lets the kernel keep its own libraries out of the cells' sight.
 */
final class SnippetLoader implements LoaderDelegate {
    private final Map<String, byte[]> pending = new ConcurrentHashMap<>();
    private final Map<String, Class<?>> loaded = new ConcurrentHashMap<>();
    private final CellClassLoader loader;

    SnippetLoader(ClassLoader parent) {
        this.loader = new CellClassLoader(parent);
    }

    ClassLoader classLoader() {
        return loader;
    }

    @Override
    public void load(ClassBytecodes[] classes) throws ClassInstallException {
        boolean[] installed = new boolean[classes.length];
        for (ClassBytecodes c : classes) {
            pending.put(c.name(), c.bytecodes());
        }
        for (int i = 0; i < classes.length; i++) {
            try {
                Class<?> type = loader.loadClass(classes[i].name());
                type.getDeclaredMethods(); // links the class now, so a bad class fails here and not mid-cell
                loaded.put(classes[i].name(), type);
                installed[i] = true;
            } catch (Throwable e) {
                throw new ClassInstallException("could not load " + classes[i].name() + ": " + e, installed);
            }
        }
    }

    @Override
    public void classesRedefined(ClassBytecodes[] classes) {
        // Redefinition is not supported (DirectExecutionControl says so), so JShell never calls this with work to do.
    }

    @Override
    public void addToClasspath(String path) throws InternalException {
        for (String entry : path.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            try {
                loader.add(Path.of(entry).toUri().toURL());
            } catch (MalformedURLException e) {
                throw new InternalException("not a class path entry: " + entry);
            }
        }
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        Class<?> type = loaded.get(name);
        if (type == null) {
            throw new ClassNotFoundException(name + " was not loaded by a cell");
        }
        return type;
    }

    private final class CellClassLoader extends URLClassLoader {
        CellClassLoader(ClassLoader parent) {
            super("evalbox-cells", new URL[0], parent);
        }

        void add(URL url) {
            addURL(url);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = pending.remove(name);
            if (bytes != null) {
                return defineClass(name, bytes, 0, bytes.length);
            }
            return super.findClass(name);
        }
    }
}
