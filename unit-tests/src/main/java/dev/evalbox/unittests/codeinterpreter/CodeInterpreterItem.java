package dev.evalbox.unittests.codeinterpreter;

import java.util.List;
import java.util.Set;

/** One item of a run: a benchmark record, or a GSM8K question with its gold answer field. */
public record CodeInterpreterItem(String taskId, CodeInterpreterRecord record, String gold) {

    public static CodeInterpreterItem of(CodeInterpreterRecord record) {
        return new CodeInterpreterItem("ci-" + record.line(), record, null);
    }

    public static CodeInterpreterItem of(CodeInterpreterData.Gsm8kRecord gsm8k) {
        return new CodeInterpreterItem("gsm8k-" + gsm8k.line(),
                new CodeInterpreterRecord(gsm8k.line(), gsm8k.question(), Set.of(CodeInterpreterRecord.GSM8K_TAG), "en", List.of()), gsm8k.answer());
    }
}
