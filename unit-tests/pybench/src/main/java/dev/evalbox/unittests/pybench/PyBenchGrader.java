package dev.evalbox.unittests.pybench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.Workers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Grades PyBench trajectories with the benchmark's own {@code tests.py}, inside sandboxes.
 *
 * <p>As PyBench's grader does, the working dir holds {@code data/} (the checkout's inputs) and
 * {@code output/} (the files the run wrote), both sandbox inputs (read-only where the backend can), and {@code test_task_<index>}
 * is called with the task's messages. Each grading sandbox imports tests.py once and grades many
 * tasks, like the original single process; a test that crashes or hangs its sandbox is recorded and
 * the sandbox is restarted for the next task. A task without a trajectory fails with KeyError, the
 * exception PyBench's grader raises for it.
 */
public final class PyBenchGrader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERDICT_PREFIX = "EVALBOX_GRADE ";
    private static final String TESTS_DIR = ".pybench-tests";

    private final SandboxPool pool;
    private final SandboxSpec baseSpec;
    private final Duration testTimeout;
    private final int concurrency;

    public PyBenchGrader(SandboxPool pool, SandboxSpec baseSpec, Duration testTimeout, int concurrency) {
        this.pool = pool;
        this.baseSpec = baseSpec;
        this.testTimeout = testTimeout;
        this.concurrency = Math.max(1, concurrency);
    }

    /** The spec of a grading sandbox: the checkout's data/, the run's output/ and tests.py, as sandbox inputs. */
    private SandboxSpec gradingSpec(PyBenchTasks tasks, Path outputsDir) {
        if (!Files.isRegularFile(tasks.testsFile())) {
            throw new PyBenchDataException("the benchmark's tests are missing: " + tasks.testsFile()
                    + " (evalbox does not ship PyBench's tests.py; point --pybench-dir at a PyBench checkout)");
        }
        if (!Files.isDirectory(outputsDir)) {
            throw new PyBenchDataException("the run's output folder " + outputsDir + " does not exist (--outputs)");
        }
        return baseSpec.toBuilder()
                .input(tasks.dataDir(), "data")
                .input(outputsDir, "output")
                .input(tasks.testsFile().getParent(), TESTS_DIR)
                .build();
    }

    /** Grades the tasks; each verdict goes to {@code onResult} as soon as it is known (from worker threads). */
    public List<GradeResult> grade(PyBenchTasks tasks, List<PyBenchTask> selected, PyBenchTrajectoryFile trajectories,
                                   Path outputsDir, Consumer<GradeResult> onResult) {
        SandboxSpec spec = gradingSpec(tasks, outputsDir);
        List<GradeResult> results = java.util.Collections.synchronizedList(new ArrayList<>());
        Workers.run(selected, concurrency, () -> new Session(spec), (session, task) -> {
            var trajectory = trajectories.get(task.index());
            GradeResult result = trajectory.isPresent()
                    ? session.grade(task.index(), trajectory.get().messages(), trajectory.get().turns())
                    : missingTrajectory(task.index(), trajectories.path().getFileName().toString());
            results.add(result);
            onResult.accept(result);
        });
        return List.copyOf(results);
    }

    /** PyBench's grader raises KeyError for a task that has no trajectory; evalbox records the same. */
    public static GradeResult missingTrajectory(String index, String source) {
        return GradeResult.fail(index, "KeyError", "no trajectory for task " + index + " in " + source, 0, 0);
    }

    /** A grading sandbox for a run, kept while it grades task after task; used by one thread at a time. */
    public Session openSession(PyBenchTasks tasks, Path outputsDir) {
        return new Session(gradingSpec(tasks, outputsDir));
    }

    /** One grading sandbox with tests.py imported; restarted after a test that killed or hung it. */
    public final class Session implements AutoCloseable {
        private final SandboxSpec spec;
        private Sandbox sandbox;

        private Session(SandboxSpec spec) { this.spec = spec; }

        public GradeResult grade(String index, JsonNode messages, int turns) {
            if (sandbox == null || !sandbox.isAlive()) {
                if (sandbox != null) sandbox.close();
                sandbox = pool.acquire(spec);
                loadHarness(sandbox);
            }
            GradeResult result = gradeOne(sandbox, index, messages, turns);
            if (result.exceptionType() != null && result.exceptionType().startsWith("Sandbox")) {
                sandbox.close();
                sandbox = null;
            }
            return result;
        }

        @Override
        public void close() {
            if (sandbox != null) sandbox.close();
            sandbox = null;
        }
    }

    private void loadHarness(Sandbox sandbox) {
        String harness = "_EVALBOX_TESTS_PATH = " + pythonString(TESTS_DIR + "/tests.py") + "\n" + harnessSource();
        ExecutionResult loaded = sandbox.execute(harness, Duration.ofMinutes(2));
        if (!loaded.ok()) {
            String why = loaded.error().map(e -> e.ename() + ": " + e.evalue()).orElse(loaded.message());
            throw new PyBenchDataException("the benchmark's tests.py could not be imported in the sandbox: " + why);
        }
    }

    private GradeResult gradeOne(Sandbox sandbox, String index, JsonNode messages, int turns) {
        long started = System.nanoTime();
        String messagesPath = ".evalbox/messages/" + index + ".json";
        try {
            sandbox.upload(JSON.writeValueAsBytes(messages), messagesPath);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // a fresh nonce per call: a verdict line is the harness's only if it carries it (see grade_harness.py)
        String nonce = UUID.randomUUID().toString().replace("-", "");
        ExecutionResult run = sandbox.execute("_evalbox_grade(" + pythonString(index) + ", " + pythonString(messagesPath) + ", "
                + pythonString(nonce) + ")", testTimeout);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (run.status() == ExecutionStatus.TIMEOUT || run.status() == ExecutionStatus.CRASHED || run.status() == ExecutionStatus.OOM) {
            String type = switch (run.status()) {
                case TIMEOUT -> "SandboxTimeout";
                case OOM -> "SandboxOutOfMemory";
                default -> "SandboxCrashed";
            };
            return GradeResult.fail(index, type, "the unit test did not finish: " + run.message(), turns, millis);
        }
        String prefix = VERDICT_PREFIX + nonce + " ";
        String[] lines = run.stdout().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String line = lines[i];
            if (line.startsWith(prefix)) {
                try {
                    JsonNode verdict = JSON.readTree(line.substring(prefix.length()));
                    return verdict.path("passed").asBoolean()
                            ? GradeResult.pass(index, turns, millis)
                            : GradeResult.fail(index, verdict.path("exception").asText(), verdict.path("reason").asText(), turns, millis);
                } catch (IOException e) {
                    break;
                }
            }
        }
        String why = run.error().map(e -> e.ename() + ": " + e.evalue()).orElse("no verdict line in the output");
        return GradeResult.fail(index, "SandboxGraderError", "the grading harness failed: " + why, turns, millis);
    }

    private static String pythonString(String text) {
        try {
            return JSON.writeValueAsString(text); // a JSON string literal is a valid Python string literal
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String harnessSource() {
        try (InputStream in = PyBenchGrader.class.getResourceAsStream("grade_harness.py")) {
            if (in == null) throw new IllegalStateException("grade_harness.py is missing from the evalbox-unit-tests jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
