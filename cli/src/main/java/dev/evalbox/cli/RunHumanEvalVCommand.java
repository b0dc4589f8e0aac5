package dev.evalbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import dev.evalbox.unittests.humanevalv.HumanEvalVDataset;
import dev.evalbox.unittests.humanevalv.HumanEvalVGeneration;
import dev.evalbox.unittests.humanevalv.HumanEvalVItem;
import dev.evalbox.unittests.humanevalv.HumanEvalVPrompts;
import dev.evalbox.unittests.humanevalv.Predictions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox run humaneval-v`: generate with a model (or take the ground truth), then grade as the reference does. */
@Command(name = "humaneval-v", mixinStandardHelpOptions = true,
        description = {"Run HumanEval-V: the model answers each task from its image (V2C, V2C-CoT), from its own description of",
                "the image (V2T2C) or from the dataset's description (GT-T2C); predictions.jsonl grows as tasks finish and",
                "predictions.json is written in the reference's format; then everything is graded in sandboxes."})
final class RunHumanEvalVCommand implements Callable<Integer> {
    @Option(names = {"--dataset", "--data"}, required = true, description = "The dataset: the Hugging Face parquet file (v0.1 or v2), or a JSON Lines export with image paths.")
    Path data;

    @Option(names = "--setting", description = "v2c, v2c-cot, v2t2c or gt-t2c. Default: ${DEFAULT-VALUE}.")
    String setting = "v2c";

    @Option(names = "--samples", description = "Samples per task: 1 is greedy (pass@1); more are sampled at temperature 0.8 (v2: 6 for pass@3). Default: ${DEFAULT-VALUE}.")
    int samples = 1;

    @Option(names = "--prompt", description = "A code prompt template (with {function_signature}) instead of evalbox's wording, e.g. the official one.")
    Path promptFile;

    @Mixin ModelOptions modelOptions;
    @Mixin RunOptions runOptions;
    @Mixin SandboxOptions options;

    @Override
    public Integer call() throws IOException {
        HumanEvalVGeneration.Setting parsed = switch (setting) {
            case "v2c" -> HumanEvalVGeneration.Setting.V2C;
            case "v2c-cot" -> HumanEvalVGeneration.Setting.V2C_COT;
            case "v2t2c" -> HumanEvalVGeneration.Setting.V2T2C;
            case "gt-t2c" -> HumanEvalVGeneration.Setting.GT_T2C;
            default -> throw new UserException("unknown --setting \"" + setting + "\": use v2c, v2c-cot, v2t2c or gt-t2c");
        };
        Path runPath = runOptions.runPath("humaneval-v");
        HumanEvalVDataset.Loaded dataset = GradeHumanEvalVCommand.load(data, runPath);
        List<HumanEvalVItem> items = runOptions.limited(dataset.items());
        Files.createDirectories(runPath);
        Files.deleteIfExists(runPath.resolve("results.jsonl")); // derived from predictions.jsonl, which --resume keeps
        Map<String, Predictions.Entry> done = readPredictions(runPath.resolve("predictions.jsonl"));
        List<HumanEvalVItem> todo = items.stream().filter(i -> !done.containsKey(i.qid())).toList();
        if (runOptions.resume) System.err.println("resuming " + runPath + ": " + done.size() + " task(s) generated, " + todo.size() + " to go");
        if (!todo.isEmpty()) generate(todo, parsed, runPath, done);
        List<Predictions.Entry> predictions = items.stream().map(i -> done.get(i.qid())).filter(java.util.Objects::nonNull).toList();
        writeReferenceFile(runPath.resolve("predictions.json"), predictions);
        ObjectNode runJson = RunDirectory.object().put("kind", "run").put("benchmark", "humaneval-v").put("model", modelOptions.model)
                .put("setting", setting).put("samples", samples).put("version", dataset.version().name().toLowerCase(Locale.ROOT))
                .put("data", data.toAbsolutePath().toString()).put("evalbox_version", VersionInfo.version());
        GradeHumanEvalVCommand.gradeAndReport(new HumanEvalVDataset.Loaded(items, dataset.version(), List.of()), predictions, runPath, runJson,
                null, "reference".equals(modelOptions.model), runOptions, options);
        System.out.println("run directory: " + runPath.toAbsolutePath());
        return 0;
    }

    private void generate(List<HumanEvalVItem> todo, HumanEvalVGeneration.Setting setting, Path runPath, Map<String, Predictions.Entry> done)
            throws IOException {
        Path file = runPath.resolve("predictions.jsonl");
        if ("reference".equals(modelOptions.model)) {
            for (HumanEvalVItem item : todo) {
                if (item.groundTruthSolution() == null) throw new UserException("task " + item.qid() + " has no ground_truth_solution");
                Predictions.Entry entry = new Predictions.Entry(item.qid(), List.of("```python\n" + item.groundTruthSolution() + "\n```"),
                        Optional.of("reference"));
                append(file, entry, List.of());
                done.put(item.qid(), entry);
            }
            return;
        }
        HumanEvalVPrompts prompts = promptFile == null ? HumanEvalVPrompts.DEFAULT : HumanEvalVPrompts.DEFAULT.withCodePrompt(Files.readString(promptFile));
        HumanEvalVGeneration generation = new HumanEvalVGeneration(modelOptions.server(), prompts, modelOptions.sampling());
        Progress progress = new Progress(System.err, "generating", todo.size());
        Map<String, Predictions.Entry> generated = Collections.synchronizedMap(new LinkedHashMap<>());
        Workers.run(todo, runOptions.concurrency, item -> {
            List<String> errors = Collections.synchronizedList(new ArrayList<>());
            Predictions.Entry entry = generation.generate(item, setting, samples, errors);
            append(file, entry, errors);
            generated.put(item.qid(), entry);
            progress.step(errors.isEmpty());
        });
        progress.finish();
        done.putAll(generated);
    }

    private static synchronized void append(Path file, Predictions.Entry entry, List<String> errors) {
        ObjectNode line = new ObjectMapper().createObjectNode().put("qid", entry.qid()).put("prompt", entry.prompt().orElse(null));
        ArrayNode predictions = line.putArray("predictions");
        entry.predictions().forEach(predictions::add);
        ArrayNode errorArray = line.putArray("model_errors");
        errors.forEach(errorArray::add);
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    private static Map<String, Predictions.Entry> readPredictions(Path file) throws IOException {
        Map<String, Predictions.Entry> entries = Collections.synchronizedMap(new LinkedHashMap<>());
        if (!Files.isRegularFile(file)) return entries;
        RunDirectory.repairTail(file);
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank()) continue;
            JsonNode node = json.readTree(line);
            List<String> predictions = new ArrayList<>();
            node.path("predictions").forEach(p -> predictions.add(p.asText()));
            entries.put(node.path("qid").asText(), new Predictions.Entry(node.path("qid").asText(), predictions,
                    Optional.ofNullable(node.path("prompt").asText(null))));
        }
        return entries;
    }

    /** predictions.json in the reference's format, so its own evaluate.py can grade this run too. */
    private static void writeReferenceFile(Path file, List<Predictions.Entry> predictions) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ArrayNode list = json.createArrayNode();
        for (Predictions.Entry entry : predictions) {
            ObjectNode node = list.addObject().put("qid", entry.qid());
            entry.prompt().ifPresent(p -> node.put("prompt", p));
            ArrayNode samples = node.putArray("predictions");
            entry.predictions().forEach(samples::add);
        }
        Files.writeString(file, json.writerWithDefaultPrettyPrinter().writeValueAsString(list));
    }
}
