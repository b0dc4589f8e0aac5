package dev.evalbox.kernel.notebook;

import dev.evalbox.agentloop.trajectory.TaskTrajectory;
import dev.evalbox.agentloop.trajectory.Trajectories;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.unittests.eval.Benchmarks;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.Output;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxProviders;
import dev.evalbox.sandbox.SandboxSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The notebook's current Python sandbox, which %%python cells run in: opened on first use (Docker
 * when an engine answers, else the local backend, which says it is not isolated), or re-created
 * from a recorded task with its inputs and the code the model ran, to debug that task's environment.
 */
final class NotebookSandbox {
    private SandboxProvider provider;
    private Sandbox sandbox;
    private String description = "none";
    private volatile Sandbox running;

    synchronized Sandbox current() {
        if (sandbox == null) {
            open(null, SandboxSpec.python().build());
        } else if (!sandbox.isAlive()) {
            // Out of memory, or the interpreter exited: the next cell gets a new one with the limits chosen at open.
            sandbox.restart();
            description = describeOpened();
            System.err.println("the sandbox had stopped; restarted it with the same settings (" + description
                    + "): variables, imports and files from before are gone");
        }
        return sandbox;
    }

    synchronized String describe() {
        return sandbox == null ? "no sandbox is open" : description;
    }

    /** Opens a fresh sandbox on {@code backend} ("docker", "local", "kubernetes", ... or null for the best available). */
    synchronized Sandbox open(String backend, SandboxSpec spec) {
        close();
        provider = SandboxProviders.open(backend == null ? SandboxProviders.AUTO : backend, spec, note -> { });
        sandbox = provider.open(spec);
        description = describeOpened();
        return sandbox;
    }

    /** Which sandbox, where, and the limits a debugging user needs to know (a cell's time limit, the memory it may use). */
    private String describeOpened() {
        SandboxSpec spec = sandbox.spec();
        String limits = String.format(java.util.Locale.ROOT, "%.1f s per cell", spec.defaultTimeout().toMillis() / 1000.0);
        return sandbox.backend() + " sandbox " + sandbox.id() + (!provider.isolated()
                ? " (" + sandbox.backend() + " backend: NOT isolated, runs with your rights; " + limits + ")"
                : " (" + spec.image() + ", memory " + (spec.memoryBytes() >> 20) + " MiB, " + limits + ")");
    }

    /**
     * Re-creates a recorded task's sandbox: its inputs (as its benchmark lays them out from the
     * run's run.json), then the code the model ran in the attempt of {@code epoch} (1 without --epochs;
     * each epoch ran in its own fresh sandbox, so a later one is rebuilt from its own code alone), in
     * order, up to and including {@code turn} (all turns when null). Returns what was replayed, turn by turn.
     */
    synchronized List<String> openTask(Path run, String taskId, Integer turn, int epoch, String backend, PrintStream log) {
        return openTask(run, taskId, turn, epoch, backend, spec -> spec, log);
    }

    /** As above, with the backend's own options (the kubernetes namespace, ...) added to the spec by {@code backendOptions}. */
    synchronized List<String> openTask(Path run, String taskId, Integer turn, int epoch, String backend,
                                       java.util.function.UnaryOperator<SandboxSpec.Builder> backendOptions, PrintStream log) {
        if (epoch < 1) throw new IllegalArgumentException("--epoch counts from 1, not " + epoch);
        Trajectories trajectories = Trajectories.read(run.resolve("trajectories.jsonl"));
        if (!trajectories.byTask().containsKey(taskId) && !trajectories.laterEpochs().containsKey(taskId)) {
            throw new IllegalArgumentException("run " + run + " has no trajectory for task \"" + taskId + "\" (tasks: "
                    + String.join(", ", trajectories.byTask().keySet().stream().limit(10).toList())
                    + (trajectories.byTask().size() > 10 ? ", ..." : "") + ")");
        }
        TaskTrajectory trajectory = trajectories.attempt(taskId, epoch).orElseThrow(() -> {
            List<Integer> epochs = new ArrayList<>();
            if (trajectories.byTask().containsKey(taskId)) epochs.add(1);
            epochs.addAll(trajectories.laterEpochs().getOrDefault(taskId, java.util.Map.of()).keySet());
            return new IllegalArgumentException("run " + run + " has no epoch " + epoch + " of task \"" + taskId + "\" (its epochs: "
                    + String.join(", ", epochs.stream().map(String::valueOf).toList()) + ")");
        });
        JsonNode runJson = readRunJson(run);
        JsonNode image = runJson.path("sandbox").path("image").isTextual() ? runJson.path("sandbox").path("image") : runJson.path("image");
        Sandbox opened = open(backend, backendOptions.apply(SandboxSpec.python().image(image.asText(SandboxSpec.DEFAULT_IMAGE))).build());
        List<String> replayed = new ArrayList<>();
        Benchmarks.named(runJson.path("benchmark").asText()).ifPresent(b -> replayed.addAll(b.prepareSandbox(runJson, taskId, opened)));
        for (TrajectoryEvent.CodeExecution execution : trajectory.executions()) {
            if (turn != null && execution.turn() > turn) {
                break;
            }
            ExecutionResult result = opened.execute(execution.code());
            replayed.add("turn " + execution.turn() + ": " + result.status().name().toLowerCase(java.util.Locale.ROOT)
                    + " (recorded: " + execution.status() + ")");
            log.println("replayed turn " + execution.turn() + ": " + result.status().name().toLowerCase(java.util.Locale.ROOT));
        }
        description = description + ", task " + taskId + (epoch > 1 ? " epoch " + epoch : "") + " of " + run.getFileName()
                + (turn == null ? " after all turns" : " after turn " + turn);
        return replayed;
    }

    private static JsonNode readRunJson(Path run) {
        Path file = run.resolve("run.json");
        if (!Files.isRegularFile(file)) {
            return new ObjectMapper().createObjectNode();
        }
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("run.json of " + run + " is unreadable", e);
        }
    }

    /** Runs Python in the current sandbox, forwarding its outputs to the cell as a Python kernel would show them. */
    Object runPython(String code, java.time.Duration timeout) {
        Sandbox target = current();
        List<Object> result = new ArrayList<>(1);
        running = target;
        ExecutionResult executed;
        try {
            executed = target.execute(code, timeout != null ? timeout : target.spec().defaultTimeout(), output -> {
                if (output instanceof Output.Stream stream) {
                    (stream.isStderr() ? System.err : System.out).print(stream.text());
                } else if (output instanceof Output.DisplayData display) {
                    Notebook.display(bundle(display.data(), display.metadata()));
                } else if (output instanceof Output.ExecuteResult value) {
                    result.add(bundle(value.data(), value.metadata()));
                } else if (output instanceof Output.ClearOutput clear) {
                    Notebook.clearOutput(clear.await());
                } else if (output instanceof Output.Error error) {
                    System.err.println(String.join("\n", error.traceback()));
                }
            });
        } finally {
            running = null;
        }
        System.out.flush();
        System.err.flush();
        if (!executed.ok()) {
            Output.Error error = executed.error().orElse(null);
            // A limit or a dead interpreter is named as such, with whether the state survived (the
            // KeyboardInterrupt a timeout raises in the cell says neither).
            String limit = switch (executed.status()) {
                case TIMEOUT -> "Timeout";
                case OOM -> "OutOfMemory";
                case CRASHED -> "SandboxCrashed";
                default -> null;
            };
            if (limit == null && error != null) {
                throw new PythonCellError(error.ename(), error.evalue());
            }
            String status = executed.status().name().toLowerCase(java.util.Locale.ROOT);
            throw new PythonCellError(limit != null ? limit : status,
                    "the cell ended with status " + status + (executed.message().isEmpty() ? "" : ": " + executed.message()));
        }
        return result.isEmpty() ? null : result.get(0);
    }

    boolean interruptRunning() {
        Sandbox target = running;
        if (target == null) {
            return false;
        }
        target.interrupt();
        return true;
    }

    /** A sandbox output's bundle with every value as text (JSON values written out), as bundles cross to the kernel. */
    private static MimeBundle bundle(java.util.Map<String, Object> data, java.util.Map<String, Object> metadata) {
        ObjectMapper json = new ObjectMapper();
        java.util.Map<String, Object> text = new java.util.LinkedHashMap<>();
        data.forEach((mime, value) -> {
            try {
                text.put(mime, value instanceof String s ? s : json.writeValueAsString(value));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                text.put(mime, String.valueOf(value));
            }
        });
        return new MimeBundle(text, metadata);
    }

    synchronized void close() {
        if (sandbox != null) {
            sandbox.close();
            sandbox = null;
        }
        if (provider != null) {
            provider.close();
            provider = null;
        }
        description = "none";
    }
}
