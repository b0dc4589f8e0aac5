package dev.evalbox.kernel.java;

import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.VarSnippet;
import jdk.jshell.spi.ExecutionControl.ClassBytecodes;
import jdk.jshell.spi.ExecutionControl.StoppedException;

import javax.tools.JavaFileManager;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Snippets that declare nothing (an expression, or a statement such as a loop) compiled in one javac
 * pass and run by the kernel, not by JShell.
 *
 * <p>Why: JShell compiles every snippet about five times (a parse, two analyses that find an
 * expression's type, an analysis and the generation), which made {@code 1 + 1} cost several times
 * what ipykernel's round trip costs (docs/kernel.md, Speed). A snippet that declares nothing leaves
 * nothing for JShell to keep, so it needs none of that: it is wrapped in a class of JShell's package
 * with JShell's own imports (every declaration of the notebook, exactly as JShell would import them
 * for it), compiled once ({@link OnePassCompiler}), and its class run by the same execution control,
 * in the same class loader, as JShell's snippets. An expression is compiled as the value its class
 * returns; if that does not compile, as a call whose value is not wanted (a void method's).
 *
 * <p>Whatever is not surely such a snippet goes to JShell, which then reports it as it always has:
 * anything that does not start like an expression or a statement this class knows, anything that
 * does not parse to exactly the expected tree or does not compile here (its errors are JShell's to
 * word), and any snippet while the notebook has a declaration whose use JShell handles itself (a
 * variable of a type that cannot be written in source, a method or class that refers to something not
 * yet defined).
 */
final class PlainSnippets {
    private static final String PREFIX = "$Cell$";
    private static final String RUN = "do_it$";
    private static final Set<String> STATEMENTS = Set.of("for", "while", "do", "if", "try", "synchronized", "throw", "{");
    private static final Set<String> EXPRESSION_KEYWORDS = Set.of("new", "true", "false", "null");
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch", "char",
            "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally", "float", "for",
            "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "super", "switch", "synchronized", "this", "throw",
            "throws", "transient", "try", "void", "volatile", "while", "true", "false", "null", "var", "yield", "record", "sealed",
            "non", "permits", "module", "open");

    /** How a snippet is wrapped: as a value returned, as a call whose value is not wanted (a void method), or as a statement. */
    private enum Form { EXPRESSION, CALL, STATEMENT }

    private final SnippetLoader loader;
    private final CellExecutionControl control;
    /** Null when javac's or JShell's internals are not open to the kernel. */
    private OnePassCompiler compiler;
    /** What the notebook has declared; null while no snippet may run here (JShell not built, and a startup snippet not an import). */
    private Declarations declarations;
    private String unavailable;
    private int classes;
    private int ran;
    private long replVersion;
    /** What {@link #run} last read of the declarations, kept until JShell changes (reading it walks every snippet). */
    private Reading reading;

    /** The declarations as read at one version of JShell's: whether a plain snippet may run, and its imports. */
    private record Reading(Declarations declarations, long version, boolean plain, String imports) {
    }

    private PlainSnippets(SnippetLoader loader, CellExecutionControl control, OnePassCompiler compiler, Declarations declarations,
                          String unavailable) {
        this.loader = loader;
        this.control = control;
        this.compiler = compiler;
        this.declarations = declarations;
        this.unavailable = unavailable;
    }

    /**
     * Plain snippets before JShell is built: they compile against the cells' class path and the
     * notebook's startup imports, which is all JShell would have declared for them (the startup
     * snippets, when all of them are imports; otherwise no snippet runs here until {@link #attach}).
     */
    static PlainSnippets beforeShell(SnippetLoader loader, CellExecutionControl control, StandardJavaFileManager files,
                                     List<String> classpath, List<String> startup) {
        String why = OnePassCompiler.unavailable();
        if (why != null) {
            return none(loader, control, why);
        }
        try {
            files.setLocation(StandardLocation.CLASS_PATH, classpath.stream().map(File::new).toList());
        } catch (IOException e) {
            return none(loader, control, "the cells' class path cannot be read: " + e);
        }
        boolean onlyImports = startup.stream().allMatch(snippet -> snippet.strip().startsWith("import "));
        StringBuilder imports = new StringBuilder("package REPL;\n");
        startup.forEach(snippet -> imports.append(snippet.strip()).append('\n'));
        return new PlainSnippets(loader, control, OnePassCompiler.over(files), onlyImports ? new StartupImports(imports.toString()) : null, null);
    }

    /** No snippet runs here: all go to JShell ({@code why} says why). */
    static PlainSnippets none(SnippetLoader loader, CellExecutionControl control, String why) {
        return new PlainSnippets(loader, control, null, null, why);
    }

    /** From now on the notebook's declarations are JShell's ({@code shell}, built and given its startup snippets). */
    void attach(JShell shell) {
        if (compiler == null) {
            return;
        }
        try {
            JShellDeclarations declared = new JShellDeclarations(shell);
            compiler.readThrough((JavaFileManager) JShellInternals.fileManager(shell));
            declarations = declared;
        } catch (ReflectiveOperationException | RuntimeException e) {
            compiler = null;
            declarations = null;
            unavailable = JShellInternals.unreachable(e);
        }
    }

    /** What the notebook has declared, as a plain snippet's compile and traceback need it. */
    private interface Declarations {
        /** The package line and the imports JShell would give a new snippet. */
        String imports() throws ReflectiveOperationException;

        /** Whether nothing declared needs JShell's own handling when used (see {@link JShellDeclarations#plain}). */
        boolean plain() throws ReflectiveOperationException;

        /** A frame of a class JShell compiled, as JShell shows it. */
        StackTraceElement shown(StackTraceElement frame);
    }

    /** Before JShell is built: the startup imports, nothing else. */
    private record StartupImports(String imports) implements Declarations {
        @Override
        public boolean plain() {
            return true;
        }

        @Override
        public StackTraceElement shown(StackTraceElement frame) {
            return frame;
        }
    }

    /** JShell's declarations, reached by reflection ({@link JShellInternals}). */
    private static final class JShellDeclarations implements Declarations {
        private final JShell shell;
        private final Object maps;
        private final Method importsOf;
        private final Field fullTypeName;
        private final JShellFrames frames;

        JShellDeclarations(JShell shell) throws ReflectiveOperationException {
            this.shell = shell;
            this.maps = JShellInternals.field(JShell.class, "maps").get(shell);
            this.importsOf = maps.getClass().getDeclaredMethod("packageAndImportsExcept", Set.class, Collection.class);
            importsOf.setAccessible(true);
            this.fullTypeName = JShellInternals.field(VarSnippet.class, "fullTypeName");
            this.frames = JShellFrames.of(shell);
        }

        @Override
        public String imports() throws ReflectiveOperationException {
            return (String) importsOf.invoke(maps, null, null);
        }

        /**
         * Whether the notebook declares nothing whose use JShell handles itself: a variable whose type
         * cannot be written in source (JShell fixes its type inside each compile), or a method or class
         * that calls something not yet defined (JShell turns that call's failure into its own error).
         */
        @Override
        public boolean plain() throws ReflectiveOperationException {
            for (VarSnippet variable : shell.variables().toList()) {
                if (fullTypeName.get(variable) != null) {
                    return false;
                }
            }
            return Stream.concat(shell.methods(), shell.types())
                    .noneMatch(snippet -> shell.status(snippet) == Snippet.Status.RECOVERABLE_DEFINED);
        }

        @Override
        public StackTraceElement shown(StackTraceElement frame) {
            return frames.translate(frame);
        }
    }

    /** Null when snippets that declare nothing are compiled once; otherwise why every snippet goes through JShell. */
    String unavailable() {
        return unavailable;
    }

    /** Called when the cells' class path grows. */
    void classPathChanged() {
        if (compiler != null) {
            compiler.reset();
        }
    }

    /** JShell may have changed its classes (an evaluation, a drop): the next compile re-reads them. */
    void jshellChanged() {
        replVersion++;
    }

    /**
     * Runs {@code source} (one snippet, as JShell's completeness analysis cut it) if it declares
     * nothing and compiles here; {@code id} gives its snippet number once it is sure to run. Returns
     * null when JShell must evaluate it; nothing of it has run then.
     */
    CellOutcome run(String source, Supplier<String> id) {
        Declarations declared = declarations;
        Form form = compiler == null || declared == null ? null : form(source);
        if (form == null) {
            return null;
        }
        Reading read = reading;
        if (read == null || read.declarations() != declared || read.version() != replVersion) {
            try {
                boolean plain = declared.plain();
                read = new Reading(declared, replVersion, plain, plain ? declared.imports() : null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return null;
            }
            reading = read;
        }
        if (!read.plain()) {
            return null;
        }
        String imports = read.imports();
        Compiled asValue = compile(form, source, imports);
        // a void method's call has no value to return
        Compiled compiled = asValue == null && form == Form.EXPRESSION ? compile(Form.CALL, source, imports) : asValue;
        if (compiled == null) {
            return null;
        }
        String snippetId = id.get();
        ran++;
        try {
            Object value = control.takeValue(control.invoke(compiled.run()));
            return compiled.form() == Form.EXPRESSION ? CellOutcome.value(value) : CellOutcome.ok();
        } catch (StoppedException e) {
            return Tracebacks.interrupted();
        } catch (InvocationTargetException e) {
            Throwable thrown = e.getCause() == null ? e : e.getCause();
            return CellOutcome.failed(Tracebacks.error(thrown, t -> t.getClass().getName(),
                    frame -> declared.shown(compiled.frameOfSnippet(frame, snippetId))));
        } catch (Exception e) {
            return CellOutcome.failed(Tracebacks.error(e, t -> t.getClass().getName(), frame -> frame));
        }
    }

    /** A snippet's class, compiled and loaded: its method to run, and the line of the class file its code starts on. */
    private record Compiled(Form form, Method run, int firstLine) {
        /**
         * The frame as JShell shows a snippet's frames ({@code .(#12:1)}: the snippet number and the
         * line in the snippet); frames of other classes are left as they are.
         */
        StackTraceElement frameOfSnippet(StackTraceElement frame, String id) {
            String wrapper = run.getDeclaringClass().getName();
            String type = frame.getClassName();
            if (!type.equals(wrapper) && !type.startsWith(wrapper + "$")) {
                return frame;
            }
            String shownType = type.equals(wrapper) ? "" : type.substring(wrapper.length() + 1);
            String shownMethod = frame.getMethodName().equals(RUN) ? "" : frame.getMethodName();
            int line = Math.max(1, frame.getLineNumber() - firstLine + 1);
            return new StackTraceElement(shownType, shownMethod, "#" + id, line);
        }
    }

    /** Compiles and loads {@code source} wrapped as {@code form}; null when it does not compile so (nothing was loaded then). */
    private Compiled compile(Form form, String source, String imports) {
        String name = PREFIX + (++classes);
        StringBuilder text = new StringBuilder(imports);
        text.append("public class ").append(name).append(" {\n");
        text.append(form == Form.EXPRESSION ? "    public static Object " : "    public static void ").append(RUN).append("() throws Throwable {\n");
        int firstLine = (int) text.chars().filter(c -> c == '\n').count() + 1;
        if (form == Form.EXPRESSION) {
            text.append("        return ("); // on the snippet's first line: javac gives the return's line to what the expression does
        }
        text.append(form == Form.STATEMENT ? source : withoutSemicolon(source) + (form == Form.CALL ? ";" : ""));
        text.append(form == Form.EXPRESSION ? "\n        );\n    }\n}\n" : "\n    }\n}\n");
        OnePassCompiler.Output output = compiler.compile(name, text.toString(), unit -> shaped(unit, form), replVersion);
        if (output == null || !output.compiled()) {
            return null;
        }
        try {
            loader.load(output.classes().entrySet().stream()
                    .map(c -> new ClassBytecodes(c.getKey(), c.getValue())).toArray(ClassBytecodes[]::new));
            return new Compiled(form, loader.findClass("REPL." + name).getMethod(RUN), firstLine);
        } catch (Exception e) {
            return null;
        }
    }

    /** The tree javac parsed must be the wrapper with the snippet as one expression or one statement, nothing around it. */
    private static boolean shaped(CompilationUnitTree unit, Form form) {
        if (unit.getTypeDecls().size() != 1 || !(unit.getTypeDecls().get(0) instanceof ClassTree type)
                || type.getMembers().size() != 1 || !(type.getMembers().get(0) instanceof MethodTree run)
                || run.getBody() == null || run.getBody().getStatements().size() != 1) {
            return false;
        }
        StatementTree statement = run.getBody().getStatements().get(0);
        return switch (form) {
            case EXPRESSION -> statement instanceof ReturnTree returned && returned.getExpression() instanceof ParenthesizedTree;
            case CALL -> statement instanceof ExpressionStatementTree;
            case STATEMENT -> true;
        };
    }

    private static String withoutSemicolon(String source) {
        String code = source.stripTrailing();
        return code.endsWith(";") ? code.substring(0, code.length() - 1) : code;
    }

    /** How the snippet starts: like a statement this class runs, like an expression, or (null) like anything else. */
    private static Form form(String source) {
        String text = source.strip();
        if (text.isEmpty()) {
            return null;
        }
        String word = firstWord(text);
        if (STATEMENTS.contains(word)) {
            return Form.STATEMENT;
        }
        if (word.isEmpty()) {
            char c = text.charAt(0);
            return Character.isDigit(c) || "\"'(-+!~.".indexOf(c) >= 0 ? Form.EXPRESSION : null;
        }
        if (KEYWORDS.contains(word)) {
            return EXPRESSION_KEYWORDS.contains(word) ? Form.EXPRESSION : null;
        }
        return declaresVariableOrMethod(text) ? null : Form.EXPRESSION;
    }

    private static String firstWord(String text) {
        if (text.charAt(0) == '{') {
            return "{";
        }
        int end = 0;
        while (end < text.length() && Character.isJavaIdentifierPart(text.charAt(end))) {
            end++;
        }
        return end > 0 && Character.isJavaIdentifierStart(text.charAt(0)) ? text.substring(0, end) : "";
    }

    /**
     * Whether the snippet starts with a type and then a name ({@code List<String> names = ...},
     * {@code String twice(String s) ...}): a declaration, which no expression starts like. A miss costs
     * only a compile that fails and JShell taking the snippet.
     */
    private static boolean declaresVariableOrMethod(String text) {
        int i = skipName(text, 0);
        while (i < text.length() && text.charAt(i) == '.') {
            i = skipName(text, skipSpace(text, i + 1));
        }
        i = skipSpace(text, i);
        if (i < text.length() && text.charAt(i) == '<') {
            int depth = 0;
            for (; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '<') {
                    depth++;
                } else if (c == '>' && --depth == 0) {
                    break;
                } else if (";=(){}".indexOf(c) >= 0) {
                    return false;
                }
            }
            if (depth != 0) {
                return false;
            }
            i = skipSpace(text, i + 1);
        }
        while (i + 1 < text.length() && text.charAt(i) == '[') {
            int close = skipSpace(text, i + 1);
            if (close >= text.length() || text.charAt(close) != ']') {
                return false;
            }
            i = skipSpace(text, close + 1);
        }
        int nameEnd = skipName(text, i);
        return nameEnd > i && !KEYWORDS.contains(text.substring(i, nameEnd));
    }

    private static int skipName(String text, int from) {
        int i = from;
        if (i < text.length() && Character.isJavaIdentifierStart(text.charAt(i))) {
            i++;
            while (i < text.length() && Character.isJavaIdentifierPart(text.charAt(i))) {
                i++;
            }
        }
        return i;
    }

    private static int skipSpace(String text, int from) {
        int i = from;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Snippets run here so far, for tests. */
    int ran() {
        return ran;
    }
}
