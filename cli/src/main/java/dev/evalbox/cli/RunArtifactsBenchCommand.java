package dev.evalbox.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.agentloop.model.ModelException;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.Workers;
import dev.evalbox.unittests.artifactsbench.ArtifactsData;
import dev.evalbox.unittests.artifactsbench.ArtifactsGeneration;
import dev.evalbox.unittests.artifactsbench.ArtifactsTask;
import dev.evalbox.unittests.eval.ModelOptions;
import dev.evalbox.unittests.eval.UserException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** `evalbox run artifactsbench`: the model answers each task in one turn, then the answers are graded as `grade artifactsbench` grades them. */
@Command(name = "artifactsbench", mixinStandardHelpOptions = true,
        description = {"Run ArtifactsBench: the model answers each task's question in one user turn (as the reference generates);",
                "answers.jsonl grows as tasks finish (--resume continues); then each answer is rendered in headless Chromium",
                "and judged, exactly as `evalbox grade artifactsbench` does."})
final class RunArtifactsBenchCommand implements Callable<Integer> {
    @Option(names = "--dataset", required = true, description = "The tasks (JSON Lines: index, question, checklist, class, difficulty).")
    Path dataset;

    @Mixin ModelOptions modelOptions;
    @Mixin ArtifactsOptions artifacts;
    @Mixin RunOptions runOptions;

    @Override
    public Integer call() throws IOException {
        artifacts.check();
        if (modelOptions.isReplay() || "reference".equals(modelOptions.model())) {
            throw new UserException("ArtifactsBench has no recorded or reference answers to stand in for a model: give a served --model,"
                    + " or grade an answers file with `evalbox grade artifactsbench`");
        }
        List<ArtifactsTask> tasks = runOptions.limited(GradeArtifactsBenchCommand.readTasks(dataset));
        Path runPath = runOptions.runPath("artifactsbench");
        Files.createDirectories(runPath);
        Path answersFile = runPath.resolve("answers.jsonl");
        if (!runOptions.resume && Files.isRegularFile(answersFile)) {
            throw new UserException(runPath + " already holds answers: add --resume to continue the run, or choose another --out");
        }
        RunDirectory.repairTail(answersFile);
        Map<String, String> answers = new ConcurrentHashMap<>();
        if (Files.isRegularFile(answersFile)) {
            var loaded = ArtifactsData.readAnswers(answersFile);
            loaded.problems().forEach(p -> System.err.println("warning: " + p + " (generated again)"));
            loaded.items().forEach(e -> answers.put(e.getKey(), e.getValue()));
        }
        List<ArtifactsTask> todo = tasks.stream().filter(t -> !answers.containsKey(t.index())).toList();
        if (runOptions.resume) System.err.println("resuming " + runPath + ": " + (tasks.size() - todo.size()) + " task(s) answered, " + todo.size() + " to go");
        int failed = generate(todo, answersFile);
        // graded from the file, read as any answers file is read (text after the last </think>)
        answers.clear();
        if (Files.isRegularFile(answersFile)) ArtifactsData.readAnswers(answersFile).items().forEach(e -> answers.put(e.getKey(), e.getValue()));
        ObjectNode runJson = RunDirectory.object().put("kind", "run").put("benchmark", "artifactsbench").put("model", modelOptions.model())
                .put("dataset", dataset.toAbsolutePath().toString()).put("generation_failed", failed);
        GradeArtifactsBenchCommand.gradeAndReport(tasks, answers, runPath, runJson, artifacts, artifacts.judge(modelOptions.baseUrl()),
                runOptions.concurrency);
        return 0;
    }

    /** Answers the tasks, appending each to the file as it comes; returns how many failed (they are tried again by --resume). */
    private int generate(List<ArtifactsTask> todo, Path answersFile) {
        if (todo.isEmpty()) return 0;
        ArtifactsGeneration generation = new ArtifactsGeneration(modelOptions.server(), modelOptions.sampling());
        Progress progress = new Progress(System.err, "generating", todo.size());
        AtomicInteger failed = new AtomicInteger();
        Workers.run(todo, runOptions.concurrency, task -> {
            try {
                String answer = generation.answer(task);
                ArtifactsGeneration.append(answersFile, task, answer);
                progress.step(true);
            } catch (ModelException e) {
                failed.incrementAndGet();
                System.err.println("task " + task.index() + ": model error, no answer (--resume tries again): " + e.getMessage());
                progress.step(false);
            }
        });
        progress.finish();
        return failed.get();
    }
}
