package dev.evalbox.unittests.eval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * One benchmark's part of a run, opened by {@link Benchmark#open} with the user's options: the tasks,
 * how one is attempted (an agent loop, a single generation, or a recorded answer read from a file),
 * how an attempt is scored, and the headline metrics. {@link EvalRunner} calls {@link #attempt} and
 * {@link #score} from several threads at once, one task per thread.
 *
 * @param <T> the benchmark's task
 * @param <A> what an attempt leaves for scoring (a conversation, an answer, generated samples)
 */
public interface Evaluation<T extends EvalTask, A> extends AutoCloseable {

    /** The tasks this run covers, in order (already narrowed by the benchmark's own selection options). */
    List<T> tasks();

    /** The sandboxes the evaluation uses, or empty when it needs none. */
    default Optional<SandboxUse> sandboxes() { return Optional.empty(); }

    /** Attempts one task. Model errors are part of the attempt (recorded, scored as failures), not exceptions. */
    A attempt(T task, TaskContext context);

    /**
     * How many epochs the evaluation has of itself, or 0 (the default) to attempt each task as many times as
     * {@code --epochs} says. A replay has the recorded run's epochs, so that it replays every attempt.
     */
    default int epochs() { return 0; }

    /** Scores an attempt: one row, or one per sample. */
    List<ResultRow> score(T task, A attempt, TaskContext context);

    /**
     * How many tasks a worker attempts before it scores them together with {@link #scoreBatch} (1: each
     * task alone). A benchmark whose scoring has a high fixed cost per call (a sandbox round trip, a linter
     * start) batches; {@code todo} and {@code concurrency} let it keep every worker busy.
     */
    default int scoreBatchSize(int todo, int concurrency) { return 1; }

    /** Scores several tasks' attempts at once; by default one by one with {@link #score}. Returns each task's rows, in order. */
    default List<List<ResultRow>> scoreBatch(List<T> tasks, List<A> attempts, List<TaskContext> contexts) {
        List<List<ResultRow>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < tasks.size(); i++) rows.add(score(tasks.get(i), attempts.get(i), contexts.get(i)));
        return rows;
    }

    /**
     * Whether a recorded row settles its task, so that {@code --resume} skips it; the task's last row counts. A
     * benchmark can leave a task open (ArtifactsBench: a task without an answer is graded again once it has one).
     */
    default boolean settles(JsonNode row) { return true; }

    /**
     * The headline metrics over the rows of {@code tasks} (the rows of earlier sessions of a resumed run included,
     * and with {@code --epochs} every epoch's, told apart by {@code epoch}), with the per-task observations behind
     * them, from which the runner adds every metric's uncertainty.
     */
    Metrics metrics(List<T> tasks, List<JsonNode> rows);

    /** Records the dataset, the model and judge and the benchmark's settings in run.json. */
    void describe(RunRecord record);

    /** Closes what the evaluation opened (writers of the benchmark's own files). */
    @Override
    default void close() { }

    /**
     * How the evaluation uses sandboxes: the user's options, and how many a task holds at its busiest
     * (the pool is sized from it and the task concurrency).
     */
    record SandboxUse(SandboxOptions options, int perTask) { }
}
