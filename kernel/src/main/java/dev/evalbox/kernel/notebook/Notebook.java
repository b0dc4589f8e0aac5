package dev.evalbox.kernel.notebook;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * What cells call to show things: {@code display(obj)}, {@code html("...")}, live-updating displays,
 * {@code input("prompt")}. Cells import these statically, so they are static methods: one kernel
 * per JVM attaches itself here once at start-up.
 *
 * <p>This class is loaded by the cells' class loader, not the kernel's, so everything passed to the
 * kernel is a JDK type: an output is a map with "type" (display_data, update_display_data,
 * clear_output, page), "data", "metadata", "display_id" and "wait".
 */
public final class Notebook {
    private static volatile Consumer<Map<String, Object>> publisher = output -> { };
    private static volatile Function<String, String> reader = prompt -> null;
    private static volatile boolean attached;
    private static final Renderers RENDERERS = new Renderers();
    private static final NotebookSandbox SANDBOX = new NotebookSandbox();

    private Notebook() {
    }

    /** Called by the kernel, through reflection, once the cells' class loader exists. */
    public static void attach(Consumer<Map<String, Object>> publish, Function<String, String> input) {
        publisher = publish;
        reader = input;
        attached = true;
    }

    /** True inside a notebook (the kernel attached itself), so long work can show live displays instead of terminal lines. */
    public static boolean isAttached() {
        return attached;
    }

    /** Called by the kernel on interrupt_request: true when a Python cell was running in the sandbox and got interrupted. */
    public static boolean interruptSandbox() {
        return SANDBOX.interruptRunning();
    }

    /** Called by the kernel at shutdown: the sandbox goes with the notebook. */
    public static void detach() {
        SANDBOX.close();
    }

    /** Shows a value under the cell, richly where evalbox knows its type; the handle updates it in place. */
    public static DisplayHandle display(Object value) {
        DisplayHandle handle = new DisplayHandle(UUID.randomUUID().toString());
        publish("display_data", RENDERERS.render(value), handle.id());
        return handle;
    }

    public static void updateDisplay(DisplayHandle handle, Object value) {
        publish("update_display_data", RENDERERS.render(value), handle.id());
    }

    /** Clears the cell's output; with {@code wait}, only when the next output arrives (no flicker for progress). */
    public static void clearOutput(boolean wait) {
        Map<String, Object> output = new HashMap<>();
        output.put("type", "clear_output");
        output.put("wait", wait);
        publisher.accept(output);
    }

    public static MimeBundle html(String html) {
        return MimeBundle.html(html);
    }

    public static MimeBundle markdown(String markdown) {
        return MimeBundle.markdown(markdown);
    }

    public static MimeBundle svg(String svg) {
        return MimeBundle.svg(svg);
    }

    public static MimeBundle png(byte[] png) {
        return MimeBundle.png(png);
    }

    public static MimeBundle json(String json) {
        return MimeBundle.json(json);
    }

    /** Shows a value in the front end's pager (the execute_reply's "page" payload) rather than under the cell. */
    public static void page(Object value) {
        publish("page", RENDERERS.render(value), null);
    }

    /** A line typed by the user in the front end (without its newline), or null when the front end allows no input. */
    public static String input(String prompt) {
        return reader.apply(prompt);
    }

    /** The notebook's Python sandbox (opened on first use), for Java cells that want to drive it directly. */
    public static dev.evalbox.sandbox.Sandbox sandbox() {
        return SANDBOX.current();
    }

    /** Runs Python in the notebook's sandbox with its outputs shown in this cell; returns the last expression's bundle. */
    public static Object python(String code) {
        return SANDBOX.runPython(code, null);
    }

    /** As {@link #python(String)}, with this cell's own time limit (null: the sandbox's). */
    public static Object python(String code, java.time.Duration timeout) {
        return SANDBOX.runPython(code, timeout);
    }

    /** Opens a fresh sandbox; null leaves a setting at its default (image evalbox/python:latest, memory 1g, 60 s per cell). */
    public static String openSandbox(String backend, String image, String memory, java.time.Duration cellTimeout) {
        return openSandbox(backend, image, memory, cellTimeout, null, null);
    }

    /** As {@link #openSandbox(String, String, String, java.time.Duration)}, with the kubernetes backend's namespace and RuntimeClass (null: the defaults). */
    public static String openSandbox(String backend, String image, String memory, java.time.Duration cellTimeout,
                                     String namespace, String runtimeClass) {
        dev.evalbox.sandbox.SandboxSpec.Builder spec = dev.evalbox.sandbox.SandboxSpec.python();
        if (image != null) spec.image(image);
        if (memory != null) spec.memory(memory);
        if (cellTimeout != null) spec.timeout(cellTimeout);
        dev.evalbox.unittests.eval.SandboxOptions.kubernetes(spec, namespace, runtimeClass);
        SANDBOX.open(backend, spec.build());
        return SANDBOX.describe();
    }

    /** Re-creates a recorded task's sandbox: inputs, then the model's code up to {@code turn} (null: all of it). */
    public static String openTaskSandbox(java.nio.file.Path run, String task, Integer turn, String backend) {
        return openTaskSandbox(run, task, turn, 1, backend);
    }

    /** Re-creates the sandbox of a recorded task's attempt of {@code epoch} (from 1): inputs, then that attempt's code up to {@code turn}. */
    public static String openTaskSandbox(java.nio.file.Path run, String task, Integer turn, int epoch, String backend) {
        return openTaskSandbox(run, task, turn, epoch, backend, null, null);
    }

    /** As {@link #openTaskSandbox(java.nio.file.Path, String, Integer, int, String)}, with the kubernetes backend's namespace and RuntimeClass. */
    public static String openTaskSandbox(java.nio.file.Path run, String task, Integer turn, int epoch, String backend,
                                         String namespace, String runtimeClass) {
        java.util.List<String> replayed = SANDBOX.openTask(run, task, turn, epoch, backend,
                spec -> dev.evalbox.unittests.eval.SandboxOptions.kubernetes(spec, namespace, runtimeClass), System.out);
        return SANDBOX.describe() + " (" + replayed.size() + " steps)";
    }

    public static void closeSandbox() {
        SANDBOX.close();
    }

    public static String sandboxDescription() {
        return SANDBOX.describe();
    }

    /** A run directory, shown as its results table with a summary per category. */
    public static RunView run(String path) {
        return RunView.load(java.nio.file.Path.of(path));
    }

    /**
     * Two or more run directories compared as {@code evalbox compare} does: the pairs (2x2 table, McNemar or
     * sign test, the paired interval, the flipped tasks), the leaderboard and, across benchmarks, the table.
     */
    public static CompareView compare(String runA, String runB, String... more) {
        java.util.List<java.nio.file.Path> runs = new java.util.ArrayList<>(java.util.List.of(java.nio.file.Path.of(runA), java.nio.file.Path.of(runB)));
        for (String run : more) runs.add(java.nio.file.Path.of(run));
        return new CompareView(dev.evalbox.unittests.compare.Comparison.of(runs));
    }

    /** One task of a run as `evalbox view` shows it (the same rendering). */
    public static TaskView task(java.nio.file.Path run, String task) {
        return new TaskView(run, task);
    }

    /** A recorded task as a conversation (one turn when {@code turn} is given), as the viewer's transcript shows it. */
    public static TrajectoryView trajectory(java.nio.file.Path run, String task, Integer turn) {
        return new TrajectoryView(run.toString().endsWith(".jsonl") ? run.toAbsolutePath().getParent() : run, Magics.findTrajectory(run, task), turn);
    }

    /** The bundle the kernel sends as a cell's result; called by the kernel through reflection. */
    public static Map<String, Object> render(Object value) {
        MimeBundle bundle = RENDERERS.render(value);
        return Map.of("data", bundle.data(), "metadata", bundle.metadata());
    }

    private static void publish(String type, MimeBundle bundle, String displayId) {
        Map<String, Object> output = new HashMap<>();
        output.put("type", type);
        output.put("data", bundle.data());
        output.put("metadata", bundle.metadata());
        output.put("display_id", displayId);
        publisher.accept(output);
    }
}
