package dev.evalbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterData;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterItem;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterRecord;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterScore;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterSummary;
import dev.evalbox.unittests.codeinterpreter.ExecutableRate;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** `evalbox grade code-interpreter RUN`: re-scores a finished run's traces, for instance with another judge. */
@Command(name = "code-interpreter", mixinStandardHelpOptions = true,
        description = {"Re-score a finished Code Interpreter run from its traces.jsonl (executable rate, GSM8K accuracy, and",
                "visualization accuracy with --judge). Writes a new run directory; the original run is left as it is."})
final class GradeCodeInterpreterCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "A run directory written by `evalbox run code-interpreter`.")
    Path runDir;

    @Mixin JudgeOptions judgeOptions;

    @Option(names = "--out", description = "Where the re-scored run goes (default: RUN/regrade-<time>).")
    Path out;

    @Mixin SandboxOptions options;

    @Override
    public Integer call() throws Exception {
        Path traces = runDir.resolve("traces.jsonl");
        Path runJsonFile = runDir.resolve("run.json");
        if (!Files.isRegularFile(traces) || !Files.isRegularFile(runJsonFile)) {
            throw new UserException(runDir + " is not a Code Interpreter run directory (it needs run.json and traces.jsonl)");
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode original = json.readTree(runJsonFile.toFile());
        Map<String, CodeInterpreterRecord> records = new HashMap<>();
        if (original.hasNonNull("data")) {
            CodeInterpreterData.readRecords(Path.of(original.get("data").asText())).items()
                    .forEach(r -> records.put(CodeInterpreterItem.of(r).taskId(), r));
        }
        if (original.hasNonNull("gsm8k")) {
            CodeInterpreterData.readGsm8k(Path.of(original.get("gsm8k").asText())).items()
                    .forEach(g -> records.put(CodeInterpreterItem.of(g).taskId(), CodeInterpreterItem.of(g).record()));
        }
        Path uploads = original.hasNonNull("upload_dir") ? Path.of(original.get("upload_dir").asText()) : null;
        Path outPath = out != null ? out : RunDirectory.newPath(runDir, "regrade");
        try (RunDirectory run = RunDirectory.open(outPath);
             SandboxProvider provider = BackendChoice.open(options.backend(), options.image(), new PrintWriter(System.err, true));
             SandboxPool pool = new SandboxPool(provider, 2, 4)) {
            CodeInterpreterScore score = new CodeInterpreterScore(new ExecutableRate(pool, options.spec(), uploads, Duration.ofSeconds(120)),
                    judgeOptions.judge(null), runDir);
            for (String line : Files.readAllLines(traces)) {
                if (line.isBlank()) continue;
                JsonNode trace = json.readTree(line);
                String task = trace.path("task_id").asText();
                CodeInterpreterRecord record = records.get(task);
                if (record == null) {
                    run.appendResult(RunDirectory.object().put("task_id", task).putNull("passed")
                            .put("reason", "its record is no longer in the data file the run used"));
                    continue;
                }
                run.appendResult(score.score(task, record, trace.path("trace").asText(), trace.path("gold").asText(null)));
            }
            Map<String, CodeInterpreterSummary.Rate> table = RunCodeInterpreterCommand.printSummary(outPath);
            ObjectNode runJson = RunDirectory.object().put("kind", "grade").put("benchmark", "code-interpreter")
                    .put("source", runDir.toAbsolutePath().toString()).put("judge", judgeOptions.judge).put("judge_rule", judgeOptions.rule)
                    .put("finished", Instant.now().toString());
            runJson.set("metrics", CodeInterpreterSummary.json(table));
            run.writeRunJson(runJson);
        }
        System.out.println("run directory: " + outPath.toAbsolutePath());
        System.out.println("report: " + new dev.evalbox.unittests.report.RunReport(outPath).write().toAbsolutePath());
        return 0;
    }
}
