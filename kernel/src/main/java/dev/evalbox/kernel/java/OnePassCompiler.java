package dev.evalbox.kernel.java;

import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.util.JavacTask;
import com.sun.tools.javac.api.JavacTaskImpl;
import com.sun.tools.javac.api.JavacTaskPool;
import com.sun.tools.javac.code.ClassFinder;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.PackageSymbol;
import com.sun.tools.javac.code.Symtab;
import com.sun.tools.javac.util.Context;
import com.sun.tools.javac.util.Names;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Compiles one source file of JShell's package ({@code REPL}) in a single javac pass, against what
 * JShell's own compiles see: the cells' class path and the class files of the notebook's declarations,
 * served by JShell's file manager. javac's context is kept from one compile to the next, as JShell
 * keeps its own ({@link JavacTaskPool}), so a compile costs what compiling the file costs.
 *
 * <p>This is javac's internal API: the kernel is compiled with {@code --add-exports} for it, and runs
 * with the same exports (the launcher, the kernelspec and the tests pass them); {@link #unavailable()}
 * says whether they are in force, and nothing here is touched when they are not.
 */
final class OnePassCompiler {
    /** JShell's compile options, warnings off: only errors decide anything here. */
    private static final List<String> OPTIONS = List.of("-Xlint:none", "-nowarn", "-proc:none", "-parameters");
    /** Package REPL is forgotten at least this often, so a long session's compiled classes do not pile up in javac. */
    private static final int FORGET_EVERY = 256;
    private static final String[] PACKAGES = {"com.sun.tools.javac.api", "com.sun.tools.javac.code", "com.sun.tools.javac.util"};

    /** The classes a compile wrote, by binary name, or the errors that stopped it. */
    record Output(Map<String, byte[]> classes, List<String> errors) {
        boolean compiled() {
            return errors.isEmpty();
        }
    }

    private Capture files;
    /** Replaced when the class path changes: a kept context remembers which packages it has listed. */
    private JavacTaskPool pool = new JavacTaskPool(1);
    /** The context of the last compile, and the version of JShell's declarations it has read. */
    private Context lastContext;
    private long lastVersion = -1;
    /** Compiles since package REPL was last forgotten: each leaves its class in the package's members until then. */
    private int sinceForgotten;

    private OnePassCompiler(JavaFileManager files) {
        this.files = new Capture(files);
    }

    /** Why javac's internals are not open to the kernel, or null when they are (then {@link #over} may be called). */
    static String unavailable() {
        Module compiler = ModuleLayer.boot().findModule("jdk.compiler").orElse(null);
        if (compiler == null) {
            return "this Java runtime has no compiler module";
        }
        for (String name : PACKAGES) {
            if (!compiler.isExported(name, OnePassCompiler.class.getModule())) {
                return "javac's internals are not exported to the kernel; run the JVM with --add-exports jdk.compiler/" + name + "=ALL-UNNAMED";
            }
        }
        return null;
    }

    /** A compiler reading through {@code files}. Call only when {@link #unavailable()} is null. */
    static OnePassCompiler over(JavaFileManager files) {
        return new OnePassCompiler(files);
    }

    /**
     * Reads through {@code files} from now on (JShell's, once JShell is built). javac's kept context is
     * let go: its parts hold on to the file manager they were made with.
     */
    void readThrough(JavaFileManager files) {
        this.files = new Capture(files);
        reset();
    }

    /** Forgets what javac learnt of the class path; called when a jar is added to it. */
    void reset() {
        pool = new JavacTaskPool(1);
        lastContext = null;
    }

    /**
     * Compiles {@code source}, the file of the public class {@code REPL.simpleName}, if it parses without
     * error and {@code shape} accepts its tree; returns null when it does not, so nothing was generated.
     * {@code replVersion} changes whenever JShell's classes may have: javac's kept context then forgets
     * the classes of package REPL it had read, as JShell's own context does after each compile.
     */
    Output compile(String simpleName, String source, Predicate<CompilationUnitTree> shape, long replVersion) {
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///REPL/" + simpleName + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        Capture capture = files;
        capture.writeTo(classes);
        try {
            return pool.getTask(null, capture, diagnostics, OPTIONS, null, List.of(file), task -> {
                Context context = ((JavacTaskImpl) task).getContext();
                if (context != lastContext || replVersion != lastVersion || sinceForgotten >= FORGET_EVERY) {
                    forgetReplPackage(context);
                    lastContext = context;
                    lastVersion = replVersion;
                    sinceForgotten = 0;
                }
                sinceForgotten++;
                return compile(task, shape, diagnostics, classes);
            });
        } finally {
            capture.writeTo(null);
        }
    }

    private static Output compile(JavacTask task, Predicate<CompilationUnitTree> shape,
                                  DiagnosticCollector<JavaFileObject> diagnostics, Map<String, byte[]> classes) {
        List<CompilationUnitTree> units = new ArrayList<>();
        try {
            task.parse().forEach(units::add);
        } catch (java.io.IOException e) {
            return null;
        }
        if (!errors(diagnostics).isEmpty() || units.size() != 1 || !shape.test(units.get(0))) {
            return null;
        }
        try {
            task.generate();
        } catch (java.io.IOException e) {
            return new Output(Map.of(), List.of(e.toString()));
        }
        List<String> errors = errors(diagnostics);
        return new Output(errors.isEmpty() ? Map.copyOf(classes) : Map.of(), errors);
    }

    private static List<String> errors(DiagnosticCollector<JavaFileObject> diagnostics) {
        List<String> errors = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> diagnostic : diagnostics.getDiagnostics()) {
            if (diagnostic.getKind() == Diagnostic.Kind.ERROR) {
                errors.add(diagnostic.getMessage(java.util.Locale.ROOT));
            }
        }
        return errors;
    }

    /**
     * What JShell does after each of its compiles, done here only when JShell's classes may have
     * changed: the kept context must not remember classes of package REPL that JShell has replaced,
     * nor miss those it has added.
     */
    private static void forgetReplPackage(Context context) {
        Symtab symbols = Symtab.instance(context);
        var module = symbols.java_base == symbols.noModule ? symbols.noModule : symbols.unnamedModule;
        PackageSymbol repl = symbols.getPackage(module, Names.instance(context).fromString("REPL"));
        if (repl == null) {
            return;
        }
        List<ClassSymbol> stale = new ArrayList<>();
        for (ClassSymbol type : symbols.getAllClasses()) {
            if (type.packge() == repl) {
                stale.add(type);
            }
        }
        stale.forEach(type -> symbols.removeClass(module, type.flatName()));
        repl.members_field = null;
        repl.completer = ClassFinder.instance(context).getCompleter();
    }

    /** JShell's file manager, with the class files a compile writes kept by this compiler instead. */
    private static final class Capture extends ForwardingJavaFileManager<JavaFileManager> {
        private static final ClassLoader NO_PLUGINS = new ClassLoader(null) {
        };

        private Map<String, byte[]> output;

        Capture(JavaFileManager files) {
            super(files);
        }

        void writeTo(Map<String, byte[]> classes) {
            output = classes;
        }

        /**
         * No class loader over the class path: javac looks for compiler plugins to start with every
         * compile, through a new loader of the whole class path (annotation processing is off, as in
         * JShell's compiles); that search was a sixth of a snippet's compile in a profile of the kernel.
         */
        @Override
        public ClassLoader getClassLoader(Location location) {
            return NO_PLUGINS;
        }

        @Override
        public JavaFileObject getJavaFileForOutput(Location location, String className, JavaFileObject.Kind kind, FileObject sibling) {
            Map<String, byte[]> classes = output;
            return new SimpleJavaFileObject(URI.create("memory:///" + className.replace('.', '/') + kind.extension), kind) {
                @Override
                public OutputStream openOutputStream() {
                    return new ByteArrayOutputStream() {
                        @Override
                        public void close() {
                            classes.put(className, toByteArray());
                        }
                    };
                }
            };
        }
    }
}
