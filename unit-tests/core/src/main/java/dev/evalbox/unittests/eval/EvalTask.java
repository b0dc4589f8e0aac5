package dev.evalbox.unittests.eval;

import java.util.Map;

/** One task of a benchmark: its id (unique in the dataset) and what reports group it by. */
public interface EvalTask {

    /** The task's id as the benchmark names it; results.jsonl's {@code task_id}. */
    String id();

    /** Metadata such as {@code category} and {@code difficulty}, copied into every result row of the task. */
    default Map<String, String> metadata() { return Map.of(); }
}
