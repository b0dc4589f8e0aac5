package dev.evalbox.unittests.codeinterpreter;

import dev.evalbox.unittests.eval.EvalTask;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One item of a run: a benchmark record, or a GSM8K question with its gold answer field. */
public record CodeInterpreterItem(String taskId, CodeInterpreterRecord record, String gold) implements EvalTask {

    public static CodeInterpreterItem of(CodeInterpreterRecord record) {
        return new CodeInterpreterItem("ci-" + record.line(), record, null);
    }

    public static CodeInterpreterItem of(CodeInterpreterData.Gsm8kRecord gsm8k) {
        return new CodeInterpreterItem("gsm8k-" + gsm8k.line(),
                new CodeInterpreterRecord(gsm8k.line(), gsm8k.question(), Set.of(CodeInterpreterRecord.GSM8K_TAG), "en", List.of()), gsm8k.answer());
    }

    @Override
    public String id() { return taskId; }

    /** The kind the benchmark scores the item for (visualization_hard, math, gsm8k, ...) is its category. */
    @Override
    public Map<String, String> metadata() {
        return Map.of("category", record.kind().name().toLowerCase(Locale.ROOT));
    }
}
