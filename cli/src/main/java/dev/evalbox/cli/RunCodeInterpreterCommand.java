package dev.evalbox.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.OpenAiChatModel;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterAgent;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterData;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterItem;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterRecord;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterRun;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterScore;
import dev.evalbox.unittests.codeinterpreter.CodeInterpreterSummary;
import dev.evalbox.unittests.codeinterpreter.ExecutableRate;
import dev.evalbox.unittests.codeinterpreter.FilePrefix;
import dev.evalbox.unittests.codeinterpreter.ReActPrompt;
import dev.evalbox.unittests.eval.ModelOptions;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox run code-interpreter`: the Qwen-Agent Code Interpreter benchmark with a ReAct agent, in sandboxes. */
@Command(name = "code-interpreter", mixinStandardHelpOptions = true,
        description = {"Run the Qwen-Agent Code Interpreter benchmark: each item in a fresh sandbox with its input files, the model as",
                "a ReAct agent (Observation: stop; 3 executions for visualization and GSM8K, 1 for general and math; an Easy item's",
                "prefill runs first and counts as one more), then executable rate, GSM8K accuracy and (with --judge) visualization",
                "accuracy. --resume continues a run."})
final class RunCodeInterpreterCommand implements Callable<Integer> {
    @Option(names = "--data", description = "eval_code_interpreter_v1.jsonl (query, tags, lang, input_file_path).")
    Path data;

    @Option(names = "--upload-dir", description = "The benchmark's upload_file_clean/ folder with the items' input files.")
    Path uploadDir;

    @Option(names = "--gsm8k", description = "The GSM8K test set (question, answer with the gold after \"#### \").")
    Path gsm8k;

    @Option(names = "--task", description = "all, gsm8k, visualization, general or math. Default: ${DEFAULT-VALUE}.")
    String task = "all";

    @Mixin ModelOptions modelOptions;
    @Mixin JudgeOptions judgeOptions;

    @Option(names = "--prompt", description = "A ReAct prompt template (with {query}) to use instead of evalbox's wording, e.g. the official one.")
    Path promptFile;

    @Option(names = "--prompt-style", description = "chat (messages to the chat endpoint) or completion (one prompt to the completions endpoint). Default: ${DEFAULT-VALUE}.")
    String promptStyle = "chat";

    @Option(names = "--file-prefix", description = "How the question names the uploaded files, as the benchmark's prompt for that model"
            + " family: qwen (\"[Upload file a.csv]\") or generic (Llama/InternLM: \"File `a.csv`. \"). Default: ${DEFAULT-VALUE}.")
    String filePrefix = "qwen";

    @Mixin RunOptions runOptions;
    @Mixin SandboxOptions options;

    @Override
    public Integer call() throws IOException {
        if (modelOptions.isReplay() || "reference".equals(modelOptions.model())) {
            throw new UserException("the Code Interpreter benchmark runs against a model server; replay and reference are not offered for it yet");
        }
        FilePrefix prefix;
        try {
            prefix = FilePrefix.parse(filePrefix);
        } catch (IllegalArgumentException e) {
            throw new UserException("--file-prefix: " + e.getMessage());
        }
        List<CodeInterpreterItem> items = items();
        if (uploadDir == null && items.stream().anyMatch(i -> !i.record().inputFiles().isEmpty())) {
            System.err.println("warning: no --upload-dir: the items' input files are missing, so code that reads them fails");
        }
        items = runOptions.limited(items);
        Path runPath = runOptions.runPath("code-interpreter");
        ReActPrompt prompt = promptFile == null ? ReActPrompt.DEFAULT : new ReActPrompt(Files.readString(promptFile));
        try (RunDirectory run = RunDirectory.open(runPath);
             SandboxProvider provider = BackendChoice.open(options.backend(), options.image(), new PrintWriter(System.err, true));
             SandboxPool pool = new SandboxPool(provider, Math.min(runOptions.concurrency, 4), runOptions.concurrency * 3)) {
            Set<String> done = run.finishedTasks();
            List<CodeInterpreterItem> todo = items.stream().filter(i -> !done.contains(i.taskId())).toList();
            if (runOptions.resume) System.err.println("resuming " + runPath + ": " + done.size() + " item(s) done, " + todo.size() + " to go");
            SandboxSpec spec = options.spec();
            CodeInterpreterAgent.PromptStyle style = switch (promptStyle) {
                case "chat" -> CodeInterpreterAgent.PromptStyle.CHAT;
                case "completion" -> CodeInterpreterAgent.PromptStyle.COMPLETION;
                default -> throw new UserException("unknown --prompt-style \"" + promptStyle + "\": use chat or completion");
            };
            OpenAiChatModel model = modelOptions.server(style == CodeInterpreterAgent.PromptStyle.COMPLETION);
            CodeInterpreterScore score = new CodeInterpreterScore(new ExecutableRate(pool, spec, uploadDir, Duration.ofSeconds(120)),
                    judgeOptions.judge(modelOptions.baseUrl()), runPath);
            ObjectNode runJson = runJson(provider.backend(), model.name());
            run.writeRunJson(runJson);
            Progress progress = new Progress(System.err, "code-interpreter", todo.size());
            try (CodeInterpreterRun ci = new CodeInterpreterRun(pool, spec, new CodeInterpreterAgent(model, prompt, modelOptions.sampling(), style, prefix),
                    score, uploadDir, run)) {
                ci.run(todo, runOptions.concurrency, result -> progress.step(result.path("passed").asBoolean()));
            } finally {
                progress.finish();
            }
            Map<String, CodeInterpreterSummary.Rate> table = printSummary(runPath);
            runJson.put("finished", Instant.now().toString()).set("metrics", CodeInterpreterSummary.json(table));
            run.writeRunJson(runJson);
        }
        System.out.println("report: " + new dev.evalbox.unittests.report.RunReport(runPath).write().toAbsolutePath());
        System.out.println("run directory: " + runPath.toAbsolutePath());
        return 0;
    }

    private List<CodeInterpreterItem> items() {
        if (data == null && gsm8k == null) throw new UserException("give --data (the benchmark's JSONL) and/or --gsm8k");
        List<CodeInterpreterItem> items = new ArrayList<>();
        if (data != null && !task.equals("gsm8k")) {
            var loaded = CodeInterpreterData.readRecords(data);
            loaded.problems().forEach(p -> System.err.println("warning: " + p + " (skipped)"));
            for (CodeInterpreterRecord record : loaded.items()) {
                boolean wanted = switch (task) {
                    case "all" -> true;
                    case "visualization" -> record.tags().contains("visualization");
                    case "general" -> record.tags().contains("general");
                    case "math" -> record.tags().contains("math");
                    default -> throw new UserException("unknown --task \"" + task + "\": use all, gsm8k, visualization, general or math");
                };
                if (wanted) items.add(CodeInterpreterItem.of(record));
            }
        }
        if (gsm8k != null && (task.equals("all") || task.equals("gsm8k"))) {
            var loaded = CodeInterpreterData.readGsm8k(gsm8k);
            loaded.problems().forEach(p -> System.err.println("warning: " + p + " (skipped)"));
            loaded.items().forEach(g -> items.add(CodeInterpreterItem.of(g)));
        }
        if (task.equals("gsm8k") && gsm8k == null) throw new UserException("--task gsm8k needs --gsm8k FILE");
        return items;
    }

    private ObjectNode runJson(String backend, String model) {
        ObjectNode run = RunDirectory.object();
        run.put("kind", "run").put("benchmark", "code-interpreter").put("evalbox_version", VersionInfo.version())
                .put("model", model).put("backend", backend).put("image", "docker".equals(backend) ? options.image() : null)
                .put("data", data == null ? null : data.toAbsolutePath().toString())
                .put("gsm8k", gsm8k == null ? null : gsm8k.toAbsolutePath().toString())
                .put("upload_dir", uploadDir == null ? null : uploadDir.toAbsolutePath().toString())
                .put("task", task).put("prompt_style", promptStyle).put("file_prefix", filePrefix).put("prompt", promptFile == null ? "evalbox default" : promptFile.toAbsolutePath().toString())
                .put("judge", judgeOptions.judge == null ? null : judgeOptions.judge).put("judge_rule", judgeOptions.rule)
                .put("cell_timeout_s", CodeInterpreterAgent.CELL_TIMEOUT.toSeconds()).put("started", Instant.now().toString());
        return run;
    }

    /** Prints the benchmark's table from the run's results.jsonl and returns it. */
    static Map<String, CodeInterpreterSummary.Rate> printSummary(Path runPath) {
        Map<String, CodeInterpreterSummary.Rate> table = CodeInterpreterSummary.of(RunDirectory.readResults(runPath));
        System.out.println();
        table.forEach((name, rate) -> System.out.printf("%-32s %s%n", name, rate));
        return table;
    }
}
