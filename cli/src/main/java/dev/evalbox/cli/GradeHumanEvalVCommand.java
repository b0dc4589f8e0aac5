package dev.evalbox.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.humanevalv.HumanEvalVDataset;
import dev.evalbox.unittests.humanevalv.HumanEvalVGrader;
import dev.evalbox.unittests.humanevalv.HumanEvalVItem;
import dev.evalbox.unittests.humanevalv.Predictions;
import dev.evalbox.unittests.report.RunReport;
import java.io.PrintWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox grade humaneval-v`: a predictions file (or the ground truth) graded as the reference grades, in sandboxes. */
@Command(name = "humaneval-v", mixinStandardHelpOptions = true,
        description = {"Grade HumanEval-V predictions (the reference's format) against the dataset (HF parquet, or JSONL + images):",
                "post-processing, pylint gate and execution in sandboxes; pass@k (k as the reference reports it) and PSR.",
                "--reference grades the dataset's own ground-truth solutions instead: every task should pass."})
final class GradeHumanEvalVCommand implements Callable<Integer> {
    @Option(names = {"--dataset", "--data"}, required = true, description = "The dataset: the Hugging Face parquet file (v0.1 or v2), or a JSON Lines export with image paths.")
    Path data;

    static final class Source {
        @Option(names = "--predictions", description = "A predictions file: [{qid, predictions: [...]}].") Path predictions;
        @Option(names = "--reference", description = "Grade the ground-truth solutions.") boolean reference;
    }

    @ArgGroup(exclusive = true, multiplicity = "1") Source source;

    @Option(names = "--k", description = "The k of pass@k (default: 1 for one sample per task, else 3 for v2, 10 for v0.1).")
    Integer k;

    @Mixin RunOptions runOptions;
    @Mixin SandboxOptions options;

    /**
     * Grades the predictions in sandboxes, writes results.jsonl (one line per sample: task_id, sample, passed,
     * reason, pylint_failed, completion) and the metrics into metrics.json and run.json, and prints pass@k and the PSR; {@code listFailing} names the tasks no sample passed.
     * The predictions are graded as the reference's release does: v2 merges a task listed in several entries first.
     */
    static void gradeAndReport(HumanEvalVDataset.Loaded dataset, List<Predictions.Entry> predictions, Path runPath, ObjectNode runJson,
                               Integer k, boolean listFailing, RunOptions runOptions, SandboxOptions options) {
        if (predictions.isEmpty()) throw new UserException("there are no predictions to grade (the predictions file is an empty list)");
        List<Predictions.Entry> items;
        try {
            items = HumanEvalVGrader.items(predictions, dataset.version());
            if (dataset.version() == HumanEvalVGrader.Version.V2) Predictions.checkSampleCounts(items);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        Set<String> known = new HashSet<>();
        dataset.items().forEach(i -> known.add(i.qid()));
        for (Predictions.Entry item : items) {
            if (!known.contains(item.qid())) throw new UserException("the predictions name task " + item.qid() + ", which the dataset does not have");
        }
        if (dataset.version() == HumanEvalVGrader.Version.V2 && items.size() != dataset.items().size()) {
            System.err.println("warning: the predictions cover " + items.size() + " of the dataset's " + dataset.items().size()
                    + " tasks; HumanEval-V's v2 evaluate.py refuses such a file, evalbox grades the tasks given");
        }
        try (RunDirectory run = RunDirectory.open(runPath);
             SandboxProvider provider = BackendChoice.open(options.backend, options.image, new PrintWriter(System.err, true));
             SandboxPool pool = new SandboxPool(provider, 0, runOptions.concurrency)) {
            HumanEvalVGrader grader = new HumanEvalVGrader(pool, options.spec(), runOptions.concurrency);
            List<HumanEvalVGrader.SampleVerdict> verdicts =
                    grader.grade(dataset.items().stream().map(HumanEvalVItem::task).toList(), items, dataset.version());
            Map<String, List<HumanEvalVGrader.SampleVerdict>> byTask = new LinkedHashMap<>();
            verdicts.forEach(v -> byTask.computeIfAbsent(v.qid(), q -> new ArrayList<>()).add(v));
            // One line per sample, as the issue's results format has it; a task passes when any of its samples does.
            for (HumanEvalVGrader.SampleVerdict sample : verdicts) {
                run.appendResult(RunDirectory.object().put("task_id", sample.qid()).put("sample", sample.sample())
                        .put("passed", sample.passed()).put("reason", sample.passed() ? "" : sample.result())
                        .put("pylint_failed", sample.pylintFailed()).put("completion", sample.completion()));
            }
            int reportedK = k != null ? k : HumanEvalVGrader.referenceK(items, dataset.version());
            OptionalDouble score = HumanEvalVGrader.passAtK(verdicts, reportedK);
            double psr = HumanEvalVGrader.parseSuccessRate(verdicts, items, dataset.version());
            long parseFailures = verdicts.stream().filter(v -> HumanEvalVGrader.countsAsParseFailure(v.result(), dataset.version())).count();
            ObjectNode metrics = runJson.put("finished", Instant.now().toString()).putObject("metrics");
            if (score.isPresent()) metrics.put("pass@" + reportedK, score.getAsDouble());
            else metrics.putNull("pass@" + reportedK);
            metrics.put("psr", psr).put("parse_failures", parseFailures).put("k", reportedK).put("tasks", byTask.size()).put("samples", verdicts.size());
            run.writeRunJson(runJson);
            try {
                Files.writeString(runPath.resolve("metrics.json"), metrics.toPrettyString() + "\n");
            } catch (IOException e) {
                throw new UncheckedIOException("could not write " + runPath.resolve("metrics.json"), e);
            }
            System.out.printf("%npass@%d: %s   PSR: %.1f%%   (%d tasks, %d samples)%n", reportedK,
                    score.isPresent() ? String.format("%.1f", score.getAsDouble()) : "not reported (a task has fewer than k samples)",
                    psr, byTask.size(), verdicts.size());
            if (listFailing) {
                List<String> failing = byTask.entrySet().stream().filter(e -> e.getValue().stream().noneMatch(HumanEvalVGrader.SampleVerdict::passed))
                        .map(Map.Entry::getKey).toList();
                System.out.println(failing.isEmpty() ? "every ground-truth solution passes" : "ground-truth solutions that fail: " + failing);
            }
        }
        System.out.println("report: " + new RunReport(runPath).write().toAbsolutePath());
    }

    /** The dataset, parquet images written under RUN/images; unusable tasks are warnings, none usable an error. */
    static HumanEvalVDataset.Loaded load(Path data, Path runPath) {
        HumanEvalVDataset.Loaded dataset = HumanEvalVDataset.read(data, runPath.resolve("images"));
        dataset.problems().forEach(p -> System.err.println("warning: " + p + " (skipped)"));
        if (dataset.items().isEmpty()) throw new UserException(data + " has no usable HumanEval-V task");
        return dataset;
    }

    @Override
    public Integer call() {
        Path runPath = runOptions.runPath("grade-humaneval-v");
        HumanEvalVDataset.Loaded dataset = load(data, runPath);
        List<Predictions.Entry> predictions = new ArrayList<>();
        if (source.reference) {
            for (HumanEvalVItem item : dataset.items()) {
                if (item.groundTruthSolution() == null) throw new UserException("task " + item.qid() + " has no ground_truth_solution");
                predictions.add(new Predictions.Entry(item.qid(), List.of("```python\n" + item.groundTruthSolution() + "\n```"), Optional.empty()));
            }
        } else {
            try {
                predictions.addAll(Predictions.read(source.predictions));
            } catch (IllegalArgumentException e) {
                throw new UserException(e.getMessage());
            }
        }
        ObjectNode runJson = RunDirectory.object().put("kind", "grade").put("benchmark", "humaneval-v")
                .put("version", dataset.version().name().toLowerCase(Locale.ROOT)).put("data", data.toAbsolutePath().toString())
                .put("predictions", source.reference ? "reference" : source.predictions.toAbsolutePath().toString());
        gradeAndReport(dataset, predictions, runPath, runJson, k, source.reference, runOptions, options);
        System.out.println("run directory: " + runPath.toAbsolutePath());
        return 0;
    }
}
