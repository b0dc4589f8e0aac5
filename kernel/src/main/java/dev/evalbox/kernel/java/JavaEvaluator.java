package dev.evalbox.kernel.java;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.UnresolvedReferenceException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Java cells, evaluated by JShell in this JVM (the IJava model): a cell is cut into JShell snippets,
 * each evaluated in turn until one fails; the value of a final expression is kept as an object.
 * Cells see only {@code classpath} on top of the JDK, never the kernel's own libraries.
 */
public final class JavaEvaluator implements AutoCloseable {
    private static final String PLAIN_SLOWER = "expressions and statements are compiled five times each, by JShell: ";
    private final CellExecutionControl control;
    private final SnippetLoader loader;
    /** The class path as javac reads it, for the plain snippets' compiles and JShell's alike. */
    private final ClassPathIndex files = ClassPathIndex.standard();
    private final List<String> classpath;
    private final List<String> startup;
    /** Snippets that declare nothing, compiled once and run without JShell (before JShell is built too). */
    private final PlainSnippets plain;
    /** Completed once JShell is built and has run the startup snippets (or failed to). */
    private final CompletableFuture<Void> shellReady = new CompletableFuture<>();
    /** Counted down when something needs JShell, or when it may be built without slowing a first cell. */
    private final CountDownLatch shellWanted = new CountDownLatch(1);
    // JShell and what the kernel keeps beside it: set once by buildShell, under this, before shellReady completes.
    private volatile JShell shell;
    private SourceCodeAnalysis analysis;
    /** JShell's completion index, held back until the first cell has run or a completion needs it. */
    private volatile CompletionIndex index;
    private CompiledClasses compiled;
    /** Why a speed-up of JShell's compiles is not in place (logged once by the kernel); empty when all are. */
    private final List<String> slower = new CopyOnWriteArrayList<>();
    private final SnippetIds ids = new SnippetIds();
    /** Calls waiting for or holding the engine (the warm-up gives way to them). */
    private final java.util.concurrent.atomic.AtomicInteger callers = new java.util.concurrent.atomic.AtomicInteger();
    /** Stops asked for so far: a call that waited through one was stopped before it ran. */
    private final java.util.concurrent.atomic.AtomicInteger stops = new java.util.concurrent.atomic.AtomicInteger();
    /** Guarded by this. */
    private boolean warmUpFinished;
    private volatile boolean closed;

    /** An evaluator ready for any cell: JShell built, the startup snippets run. */
    public JavaEvaluator(List<String> classpath, List<String> startup) {
        this(classpath, startup, true);
        buildShell();
    }

    /** Every snippet through JShell, as when javac's internals are not open to the kernel: for tests that compare the two. */
    static JavaEvaluator withoutPlainSnippets(List<String> classpath, List<String> startup) {
        JavaEvaluator java = new JavaEvaluator(classpath, startup, false);
        java.buildShell();
        return java;
    }

    private JavaEvaluator(List<String> classpath, List<String> startup, boolean plainSnippets) {
        this.classpath = List.copyOf(classpath);
        this.startup = List.copyOf(startup);
        this.loader = new SnippetLoader(ClassLoader.getPlatformClassLoader());
        try {
            // now, for cells run before JShell is built; JShell adds the same path again, which changes nothing
            loader.addToClasspath(String.join(java.io.File.pathSeparator, classpath));
        } catch (jdk.jshell.spi.ExecutionControl.InternalException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        this.control = new CellExecutionControl(loader);
        this.plain = plainSnippets ? PlainSnippets.beforeShell(loader, control, files, classpath, startup)
                : PlainSnippets.none(loader, control, "turned off");
        if (plain.unavailable() != null) {
            slower.add(PLAIN_SLOWER + plain.unavailable());
        }
        ids.reserve(startup.size());
    }

    /**
     * An evaluator whose JShell is built later, by {@link #buildShell()} (on another thread): a cell
     * that is one expression or statement runs at once, against the startup imports, and anything
     * else waits for JShell. JShell and its startup snippets take about a second to build, and a
     * notebook's first cell most often needs none of it.
     */
    public static JavaEvaluator withShellLater(List<String> classpath, List<String> startup) {
        return new JavaEvaluator(classpath, startup, true);
    }

    /**
     * Says JShell may be built now: a call needs it (any call that waits for JShell says so itself),
     * or the notebook's first cell is done, so building it no longer takes CPU from that cell.
     */
    public void wantShell() {
        shellWanted.countDown();
    }

    /** Waits until {@link #wantShell()} or {@code patience} has passed, then builds JShell (see {@link #buildShell()}). */
    public void buildShellWhenWanted(Duration patience) {
        try {
            shellWanted.await(patience.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        buildShell();
    }

    /** Whether JShell is built (for tests: cells before it run without it). */
    boolean shellBuilt() {
        return shellReady.isDone() && !shellReady.isCompletedExceptionally();
    }

    /** Builds JShell and runs the startup snippets; once only. Calls that need JShell wait for this; it throws what made it fail. */
    public void buildShell() {
        if (shellReady.isDone()) {
            return;
        }
        try {
            JShell built = JShell.builder().executionEngine(new CellExecutionProvider(control), Map.of())
                    .idGenerator(ids::id).build();
            CompiledClasses kept = new CompiledClasses(built);
            if (kept.unavailable() != null) {
                slower.add("cells will compile slower as the notebook grows: " + kept.unavailable());
            }
            String classPathIndex = ClassPathIndex.keep(built, files);
            if (classPathIndex != null) {
                slower.add("javac re-reads the class path for every compile: " + classPathIndex);
            }
            String path = CompilerClassPath.add(built, classpath);
            if (path != null) {
                slower.add("cells compile against the kernel's own class path too: " + path);
            }
            // Only now: JShell's completion index is built in the background from the class path of the
            // moment, and building it for the kernel's own path first was work thrown away at start-up.
            SourceCodeAnalysis builtAnalysis = built.sourceCodeAnalysis();
            CompletionIndex heldBack = CompletionIndex.holdBack(builtAnalysis);
            for (String snippet : startup) {
                for (SnippetEvent event : built.eval(snippet)) {
                    if (event.status() == Snippet.Status.REJECTED || event.exception() != null) {
                        heldBack.release();
                        built.close();
                        throw new IllegalStateException("startup snippet failed: " + snippet);
                    }
                }
            }
            synchronized (this) {
                if (closed) {
                    heldBack.release();
                    built.close();
                    throw new IllegalStateException("the evaluator was closed while JShell was being built");
                }
                shell = built;
                analysis = builtAnalysis;
                index = heldBack;
                compiled = kept;
                String before = plain.unavailable();
                plain.attach(built);
                if (before == null && plain.unavailable() != null) {
                    slower.add(PLAIN_SLOWER + plain.unavailable());
                }
                ids.startNumbering();
            }
            shellReady.complete(null);
            if (closed) {
                close(); // closed while being published
            }
        } catch (RuntimeException | Error e) {
            shellReady.completeExceptionally(e);
            throw e;
        }
    }

    /**
     * Compiles and runs {@code snippets} (see {@code KernelSettings.DEFAULT_WARM_UP}), so javac's code is
     * loaded and compiled by the JIT before the first cell rather than during it; then forgets them:
     * they leave no declaration, no class file and no snippet number behind (the first cell's snippets
     * are numbered as without the warm-up, so its tracebacks read the same). The warm-up gives way:
     * once a cell (or a completion, ...) asks for the engine, the snippet running finishes and the
     * rest are skipped, so a cell waits for one warm-up snippet at most. It ends too when
     * {@code keepGoing} turns false or on {@link #stop()}. Returns the last value a snippet had, for
     * the caller to warm its rendering with.
     */
    public Object warmUp(List<String> snippets, java.util.function.BooleanSupplier keepGoing) {
        Object value = null;
        int stopsBefore = stops.get();
        java.util.function.BooleanSupplier going = () -> keepGoing.getAsBoolean() && callers.get() == 0 && stops.get() == stopsBefore;
        try {
            for (String snippet : snippets) {
                synchronized (this) {
                    if (warmUpFinished || !going.getAsBoolean()) {
                        break;
                    }
                    ids.hideFromNow();
                    try {
                        CellOutcome outcome = run(snippet, going);
                        if (outcome.hasValue()) {
                            value = outcome.value();
                        }
                    } finally {
                        ids.showFromNow();
                    }
                }
            }
        } catch (RuntimeException e) {
            // JShell closed under the warm-up (the kernel shut down): nothing left to warm
        }
        synchronized (this) {
            finishWarmUp();
        }
        return value;
    }

    /** Forgets the warm-up's snippets, once: called by the warm-up's end or by the first call that wants the engine. Holds this. */
    private void finishWarmUp() {
        if (warmUpFinished) {
            return;
        }
        warmUpFinished = true;
        try {
            shell.snippets().filter(snippet -> ids.hidden(snippet.id())).toList().forEach(snippet -> {
                if (shell.status(snippet).isActive()) {
                    shell.drop(snippet);
                    plain.jshellChanged();
                }
                compiled.forget(snippet);
            });
        } catch (IllegalStateException e) {
            // JShell is closed: nothing to forget
        }
    }

    /**
     * Runs {@code work} on the engine for a caller (a cell, a completion, ...): the warm-up, if still
     * going, gives way after its current snippet and is forgotten first. Callers on other threads than
     * the warm-up's take turns here; {@link #stop()} needs no turn.
     */
    private <T> T withEngine(java.util.function.Supplier<T> work) {
        callers.incrementAndGet();
        try {
            wantShell();
            shellReady.join();
            synchronized (this) {
                finishWarmUp();
                return work.get();
            }
        } finally {
            callers.decrementAndGet();
        }
    }

    /** Why JShell's class files of finished snippets are not pruned, or null when they are. */
    public String pruningUnavailable() {
        wantShell();
        shellReady.join();
        return compiled.unavailable();
    }

    /** Why each speed-up of JShell's compiles that is not in place is not (empty when all are), for the kernel to log. */
    public List<String> speedUpsUnavailable() {
        return List.copyOf(slower);
    }

    /** Class files JShell holds (for tests: it must not grow with expression cells); -1 when not visible. */
    public int retainedClassFiles() {
        wantShell();
        shellReady.join();
        return compiled.retained();
    }

    /** The class loader cells' classes live in; the notebook API the cells call is loaded through it. */
    public ClassLoader cellClassLoader() {
        return loader.classLoader();
    }

    public void addToClasspath(String path) {
        withEngine(() -> {
            shell.addToClasspath(path);
            plain.classPathChanged();
            return null;
        });
    }

    /** Evaluates a cell; a {@link #stop()} while it waits for the engine (behind the warm-up) interrupts it before it runs. */
    public CellOutcome execute(String code) {
        int stopsBefore = stops.get();
        CellOutcome early = shellReady.isDone() ? null : beforeShell(code, stopsBefore, false);
        if (early != null) {
            return early;
        }
        try {
            return withEngine(() -> stops.get() != stopsBefore ? Tracebacks.interrupted() : run(code, () -> true));
        } finally {
            releaseIndex();
        }
    }

    /**
     * Runs {@code code} as one plain snippet if JShell is not built yet and it is one; null otherwise
     * (nothing ran). A warm-up run gives way to any caller and leaves no snippet number used.
     */
    private CellOutcome beforeShell(String code, int stopsBefore, boolean warmUp) {
        callers.incrementAndGet();
        try {
            synchronized (this) {
                if (shell != null || closed || (warmUp && callers.get() > 1)) {
                    return null;
                }
                if (stops.get() != stopsBefore) {
                    return Tracebacks.interrupted();
                }
                control.clearStop();
                // Not ids.hideFromNow(): JShell may be numbering its startup snippets on another thread meanwhile.
                CellOutcome outcome = plain.run(code, warmUp ? SnippetIds::hiddenId : ids::takeId);
                return outcome != null && control.stopped() ? Tracebacks.interrupted() : outcome;
            }
        } finally {
            callers.decrementAndGet();
        }
    }

    /**
     * Compiles and runs {@code snippet}, a plain one, before JShell is built, so the first cell finds
     * javac loaded and its kept context made; leaves no snippet number used. Returns its value (null
     * when it did not run: JShell is built already, or a cell wanted the engine), for the caller to
     * warm its rendering with.
     */
    public Object warmUpBeforeShell(String snippet) {
        CellOutcome outcome = shellReady.isDone() ? null : beforeShell(snippet, stops.get(), true);
        return outcome != null && outcome.hasValue() ? outcome.value() : null;
    }

    private void releaseIndex() {
        CompletionIndex held = index;
        if (held != null) {
            held.release();
        }
    }

    /** {@code keepGoing} is asked once the previous stop is cleared, so a stop that comes with keepGoing turning false is never lost. */
    private CellOutcome run(String code, java.util.function.BooleanSupplier keepGoing) {
        control.clearStop();
        if (!keepGoing.getAsBoolean()) {
            return Tracebacks.interrupted();
        }
        List<Fragment> fragments = fragments(code);
        CellOutcome outcome = CellOutcome.ok();
        for (Fragment fragment : fragments) {
            if (fragment.completeness() == Completeness.EMPTY) {
                continue;
            }
            if (!fragment.completeness().isComplete()) {
                return CellOutcome.failed(new CellError("CompilationException", "the cell ends in the middle of a statement",
                        List.of("CompilationException: the cell ends in the middle of a statement:", fragment.text().strip())));
            }
            outcome = evaluate(fragment, code);
            if (control.stopped()) {
                return Tracebacks.interrupted();
            }
            if (outcome.failed()) {
                return outcome;
            }
        }
        return outcome;
    }

    /** Stops the running cell, if any (from another thread: the control channel's). */
    public void stop() {
        stops.incrementAndGet();
        control.stop();
    }

    public Completion complete(String code, int cursorCodePoints) {
        wantShell();
        shellReady.join();
        releaseIndex();
        return withEngine(() -> completeNow(code, cursorCodePoints));
    }

    private Completion completeNow(String code, int cursorCodePoints) {
        int cursor = code.offsetByCodePoints(0, Math.min(cursorCodePoints, code.codePointCount(0, code.length())));
        Fragment fragment = fragmentAt(code, cursor);
        int[] anchor = new int[1];
        Set<String> matches = new LinkedHashSet<>();
        String text = code.substring(fragment.start(), cursor);
        for (SourceCodeAnalysis.Suggestion suggestion : analysis.completionSuggestions(text, text.length(), anchor)) {
            matches.add(suggestion.continuation());
        }
        int start = fragment.start() + (matches.isEmpty() ? text.length() : anchor[0]);
        return new Completion(new ArrayList<>(matches), code.codePointCount(0, start), code.codePointCount(0, cursor));
    }

    /** Signature and Javadoc of what is at the cursor, one entry per overload; empty when nothing is known there. */
    public List<String> inspect(String code, int cursorCodePoints) {
        wantShell();
        shellReady.join();
        releaseIndex();
        return withEngine(() -> inspectNow(code, cursorCodePoints));
    }

    private List<String> inspectNow(String code, int cursorCodePoints) {
        int cursor = code.offsetByCodePoints(0, Math.min(cursorCodePoints, code.codePointCount(0, code.length())));
        Fragment fragment = fragmentAt(code, cursor);
        String text = code.substring(fragment.start(), cursor);
        List<String> docs = new ArrayList<>();
        for (String candidate : List.of(text, text + "(")) {
            for (SourceCodeAnalysis.Documentation doc : analysis.documentation(candidate, candidate.length(), true)) {
                String javadoc = doc.javadoc();
                docs.add(javadoc == null || javadoc.isBlank() ? doc.signature() : doc.signature() + "\n\n" + javadoc.strip());
            }
            if (!docs.isEmpty()) {
                break;
            }
        }
        return docs;
    }

    public CodeCompleteness isComplete(String code) {
        return withEngine(() -> isCompleteNow(code));
    }

    private CodeCompleteness isCompleteNow(String code) {
        List<Fragment> fragments = fragments(code);
        Fragment last = fragments.isEmpty() ? null : fragments.get(fragments.size() - 1);
        if (fragments.stream().anyMatch(f -> f.completeness() == Completeness.UNKNOWN)) {
            return CodeCompleteness.INVALID;
        }
        if (last == null || last.completeness().isComplete() || last.completeness() == Completeness.EMPTY) {
            return CodeCompleteness.COMPLETE;
        }
        return CodeCompleteness.incomplete("    ".repeat(Math.max(1, openBrackets(last.text()))));
    }

    /** Closes JShell, if built; a cell still running is not waited for (its JShell calls fail). */
    @Override
    public void close() {
        closed = true;
        JShell built = shell;
        if (built != null) {
            releaseIndex();
            built.close();
        }
    }

    /** Snippets of cells run without JShell so far (for tests: they must be, where nothing is declared). */
    public int plainSnippetsRun() {
        return plain.ran();
    }

    private CellOutcome evaluate(Fragment fragment, String cell) {
        CellOutcome plainOutcome = plain.run(fragment.source(), ids::takeId);
        if (plainOutcome != null) {
            return plainOutcome;
        }
        List<SnippetEvent> events;
        try {
            plain.jshellChanged();
            events = shell.eval(fragment.source());
        } catch (IllegalStateException e) {
            return CellOutcome.failed(new CellError("KernelError", "JShell is closed", List.of("KernelError: JShell is closed")));
        }
        CellOutcome outcome = CellOutcome.ok();
        for (SnippetEvent event : events) {
            Object value = control.takeValue(event.value());
            if (event.causeSnippet() != null) {
                continue; // a dependent snippet was updated; only the cell's own snippets speak
            }
            Snippet snippet = event.snippet();
            if (event.status() == Snippet.Status.REJECTED) {
                return CellOutcome.failed(compileError(snippet, fragment, cell));
            }
            CellOutcome result;
            if (event.exception() != null) {
                result = CellOutcome.failed(runtimeError(event.exception()));
            } else if (producesValue(snippet)) {
                result = control.isValueKey(event.value()) ? CellOutcome.value(value) : CellOutcome.value(event.value());
            } else {
                result = CellOutcome.ok();
            }
            forgetIfDone(snippet);
            if (result.failed()) {
                return result;
            }
            outcome = result;
        }
        return outcome;
    }

    /**
     * What no later snippet can refer to is let go once evaluated: JShell keeps every expression's
     * value as a variable ($1, $2, ...) and imports all of them into each later snippet, and it keeps
     * every snippet's class file, which javac lists in each compile; either made a notebook compile
     * slower with every cell. Declarations stay.
     */
    private void forgetIfDone(Snippet snippet) {
        if (snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND) {
            shell.drop(snippet);
            plain.jshellChanged();
            compiled.forget(snippet);
        } else if (snippet.kind() == Snippet.Kind.STATEMENT || snippet.kind() == Snippet.Kind.EXPRESSION) {
            compiled.forget(snippet);
        }
    }

    private static boolean producesValue(Snippet snippet) {
        return snippet.kind() == Snippet.Kind.EXPRESSION
                || snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND;
    }

    private CellError compileError(Snippet snippet, Fragment fragment, String cell) {
        List<String> lines = new ArrayList<>();
        String first = null;
        for (Diag diag : shell.diagnostics(snippet).toList()) {
            if (!diag.isError()) {
                continue;
            }
            String message = diag.getMessage(Locale.ROOT);
            if (first == null) {
                first = message;
            }
            long position = diag.getPosition();
            if (position >= 0 && position <= fragment.source().length()) {
                int offset = fragment.start() + (int) Math.min(position, fragment.text().length());
                int line = (int) cell.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
                int lineStart = cell.lastIndexOf('\n', offset - 1) + 1;
                int lineEnd = cell.indexOf('\n', offset);
                lines.add("line " + line + ": " + message);
                lines.add("    " + cell.substring(lineStart, lineEnd < 0 ? cell.length() : lineEnd));
                lines.add("    " + " ".repeat(offset - lineStart) + "^");
            } else {
                lines.add(message);
            }
        }
        if (first == null) {
            first = "the snippet was rejected: " + fragment.text().strip();
            lines.add(first);
        }
        lines.add(0, "CompilationException:");
        return new CellError("CompilationException", first, lines);
    }

    private static CellError runtimeError(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            String message = "the snippet uses " + unresolved.getSnippet().toString() + " which is not yet defined";
            return new CellError("UnresolvedReferenceException", message, List.of("UnresolvedReferenceException: " + message));
        }
        // JShell has already turned its snippets' frames into theirs (#12:1)
        return Tracebacks.error(exception, e -> e instanceof EvalException eval ? eval.getExceptionClassName() : e.getClass().getName(),
                frame -> frame);
    }

    private Fragment fragmentAt(String code, int cursor) {
        for (Fragment fragment : fragments(code)) {
            if (cursor <= fragment.end()) {
                return fragment;
            }
        }
        return new Fragment(code.length(), code.length(), "", "", Completeness.EMPTY);
    }

    /** The cell cut into JShell snippets, each with its place in the cell (UTF-16 offsets). */
    private List<Fragment> fragments(String code) {
        List<Fragment> fragments = new ArrayList<>();
        String rest = code;
        int offset = 0;
        while (!rest.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(rest);
            Completeness completeness = info.completeness();
            if (!completeness.isComplete()) {
                fragments.add(new Fragment(offset, code.length(), rest, rest, completeness));
                break;
            }
            int consumed = rest.length() - info.remaining().length();
            if (consumed <= 0) {
                fragments.add(new Fragment(offset, code.length(), rest, rest, Completeness.UNKNOWN));
                break;
            }
            fragments.add(new Fragment(offset, offset + consumed, rest.substring(0, consumed), info.source(), completeness));
            offset += consumed;
            rest = info.remaining();
        }
        return fragments;
    }

    private static int openBrackets(String text) {
        int depth = 0;
        for (char c : text.toCharArray()) {
            if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if ((c == '}' || c == ')' || c == ']') && depth > 0) {
                depth--;
            }
        }
        return depth;
    }

    /** A piece of a cell that JShell takes as one snippet: its text in the cell and the source JShell evaluates. */
    private record Fragment(int start, int end, String text, String source, Completeness completeness) {
    }
}
