package dev.evalbox.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxProvider;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.eval.SandboxOptions;
import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.pybench.PyBenchReplay;
import dev.evalbox.unittests.pybench.PyBenchTasks;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Rebuilds a recorded run without the model: its conversations and scores, or (--actions) its code re-executed. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Replay a recorded run: a run directory of any benchmark, an evalbox trajectories.jsonl or a PyBench trajectory file.",
                "By default, observation replay: rebuild each task's conversation and recorded verdict, with no model and no sandbox.",
                "With --actions: re-execute each task's recorded code turn by turn in a fresh sandbox holding its inputs,",
                "and report, per turn, where the new observation diverges from the recorded one."})
final class ReplayCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN|TRAJECTORY", description = "What to replay.")
    Path source;

    @Option(names = "--actions", description = "Re-execute the recorded code in sandboxes (needs --pybench-dir for the inputs).")
    boolean actions;

    @Option(names = "--pybench-dir", description = "The PyBench checkout the run used (inputs for --actions).")
    Path pybenchDir;

    @Option(names = "--tasks", split = ",", description = "Only these task indices.")
    List<String> taskIndices = new ArrayList<>();

    @Option(names = "--concurrency", description = "Tasks replayed at once with --actions. Default: ${DEFAULT-VALUE}.")
    int concurrency = 2;

    @Option(names = "--out", description = "The replay's run directory (default: runs/replay-<time>).")
    Path out;

    @Mixin SandboxOptions options;

    @Override
    public Integer call() throws Exception {
        RecordedConversations recorded = RecordedConversations.load(source);
        List<String> tasks = taskIndices.isEmpty() ? List.copyOf(recorded.byTask().keySet())
                : taskIndices.stream().filter(recorded.byTask()::containsKey).toList();
        Path runPath = out != null ? out : RunDirectory.newPath(Path.of("runs"), "replay");
        try (RunDirectory run = RunDirectory.open(runPath)) {
            ObjectNode runJson = RunDirectory.object().put("kind", "replay").put("mode", actions ? "actions" : "observations")
                    .put("source", recorded.source()).put("evalbox_version", VersionInfo.version()).put("tasks", tasks.size());
            run.writeRunJson(runJson);
            if (actions) replayActions(recorded, tasks, run);
            else replayObservations(recorded, tasks, run);
        }
        System.out.println("run directory: " + runPath.toAbsolutePath());
        return 0;
    }

    private void replayObservations(RecordedConversations recorded, List<String> tasks, RunDirectory run) {
        int passed = 0;
        int graded = 0;
        for (String task : tasks) {
            ArrayNode messages = recorded.byTask().get(task);
            JsonNode verdict = recorded.verdicts().get(task);
            int turns = 0;
            for (JsonNode m : messages) if ("assistant".equals(m.path("role").asText())) turns++;
            String finalAnswer = messages.isEmpty() ? "" : messages.get(messages.size() - 1).path("content").asText();
            ObjectNode line = RunDirectory.object().put("task_id", task).put("turns", turns).put("final_answer", finalAnswer);
            if (verdict != null && verdict.has("passed") && !verdict.path("passed").isNull()) {
                graded++;
                if (verdict.path("passed").asBoolean()) passed++;
                line.put("passed", verdict.path("passed").asBoolean()).put("reason", verdict.path("reason").asText(""));
            } else {
                line.putNull("passed").put("reason", "no recorded verdict (grade it with `evalbox grade`)");
            }
            line.set("messages", messages);
            run.appendResult(line);
            System.out.printf("task %-5s %2d turns  %-8s %s%n", task, turns,
                    verdict == null ? "" : verdict.path("passed").asBoolean() ? "passed" : "failed", oneLine(finalAnswer));
        }
        if (graded > 0) System.out.printf("%nrecorded verdicts: %d of %d passed%n", passed, graded);
    }

    private void replayActions(RecordedConversations recorded, List<String> tasks, RunDirectory run) throws Exception {
        if (pybenchDir == null) throw new UserException("--actions needs --pybench-dir: the inputs the tasks read");
        PyBenchTasks checkout = PyBenchTasks.load(pybenchDir);
        Progress progress = new Progress(System.err, "replaying", tasks.size());
        int[] reproduced = {0};
        try (SandboxProvider provider = BackendChoice.open(options.backend(), options.image(), new PrintWriter(System.err, true));
             SandboxPool pool = new SandboxPool(provider, Math.min(concurrency, 4), concurrency * 2)) {
            PyBenchReplay replay = new PyBenchReplay(checkout, pool, options.spec(), options.timeout());
            ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, concurrency));
            try {
                List<Future<PyBenchReplay.TaskReplay>> futures = new ArrayList<>();
                for (String task : tasks) futures.add(workers.submit(() -> replay.replay(task, recorded.byTask().get(task))));
                for (Future<PyBenchReplay.TaskReplay> future : futures) {
                    PyBenchReplay.TaskReplay result = future.get();
                    boolean same = result.firstDivergence().isEmpty();
                    if (same) reproduced[0]++;
                    ObjectNode line = RunDirectory.object().put("task_id", result.taskId()).put("passed", same)
                            .put("reason", result.firstDivergence().map(t -> "turn " + t.turn() + " diverges: " + t.firstDifference())
                                    .orElse("all " + result.turns().size() + " observations reproduced"));
                    ArrayNode turns = line.putArray("turns");
                    for (PyBenchReplay.Turn t : result.turns()) {
                        turns.addObject().put("turn", t.turn()).put("same", t.same()).put("difference", t.firstDifference())
                                .put("recorded", t.recorded()).put("replayed", t.replayed());
                    }
                    ArrayNode notes = line.putArray("notes");
                    result.notes().forEach(notes::add);
                    run.appendResult(line);
                    progress.step(same);
                    long diverged = result.turns().stream().filter(t -> !t.same()).count();
                    System.out.printf("task %-5s %2d code turns, %2d diverge%s%n", result.taskId(), result.turns().size(), diverged,
                            result.firstDivergence().map(t -> "; first at turn " + t.turn() + ": " + t.firstDifference()).orElse(""));
                }
            } finally {
                workers.shutdownNow(); // a failed task or an interrupt must not leave replay threads behind (in the kernel too)
            }
        }
        progress.finish();
        System.out.printf("%n%d of %d tasks reproduced every observation%n", reproduced[0], tasks.size());
    }

    private static String oneLine(String text) {
        String line = text.replace('\n', ' ').strip();
        return line.length() > 100 ? line.substring(0, 100) + "..." : line;
    }

}
