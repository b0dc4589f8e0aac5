package dev.evalbox.unittests.humanevalv.bench;

import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.bench.BenchException;
import dev.evalbox.unittests.bench.BenchReport;
import dev.evalbox.unittests.bench.Goal;
import dev.evalbox.unittests.bench.Measure;
import dev.evalbox.unittests.humanevalv.HumanEvalVGrader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * `evalbox bench humaneval-v`: evalbox's HumanEval-V grader (sandboxed, Docker) on evalbox's generated samples,
 * at each concurrency level, next to the reference's procedure (pylint and a fresh process per sample,
 * unsandboxed, host python3) measured in the same run on the same samples; both must agree on every verdict.
 */
public final class HumanEvalVSpeed {
    /** What to measure: how many samples, at which concurrency levels, in which image, against which host python3, in how many alternating blocks. */
    public record Settings(String image, int samples, List<Integer> concurrency, String python, long seed, int blocks) { }

    private static final double GOAL = 2.0;
    private static final int LISTED_DISAGREEMENTS = 10;

    private final Settings settings;
    private final Consumer<String> progress;

    public HumanEvalVSpeed(Settings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public BenchReport run() {
        HumanEvalVBenchTasks.SampleSet set = HumanEvalVBenchTasks.generate(settings.samples(), settings.seed());
        int samples = set.samples();
        String versions = HumanEvalVAnchor.versions(settings.python());
        List<Measure> measures = new ArrayList<>();
        List<String> notes = new ArrayList<>();

        // Anchor and evalbox take turns block by block, so that load from elsewhere on the machine hits both alike.
        int blocks = Math.max(1, Math.min(settings.blocks(), set.tasks().size()));
        SandboxSpec spec = SandboxSpec.python().image(settings.image()).build();
        double anchorWall = 0;
        double anchorProcess = 0;
        Map<String, HumanEvalVAnchor.Verdict> anchorVerdicts = new LinkedHashMap<>();
        Map<Integer, Double> seconds = new LinkedHashMap<>();
        Map<Integer, Map<String, HumanEvalVGrader.SampleVerdict>> ours = new LinkedHashMap<>();
        for (int b = 0; b < blocks; b++) {
            int from = set.tasks().size() * b / blocks;
            int to = set.tasks().size() * (b + 1) / blocks;
            var tasks = set.tasks().subList(from, to);
            var predictions = set.predictions().subList(from, to);
            int blockSamples = predictions.stream().mapToInt(e -> e.predictions().size()).sum();
            progress.accept("block " + (b + 1) + "/" + blocks + ": anchor, the reference's procedure on " + blockSamples + " samples ("
                    + versions + ", unsandboxed)");
            HumanEvalVAnchor.Result anchor = HumanEvalVAnchor.run(settings.python(), tasks, predictions);
            anchorWall += anchor.wallSeconds();
            anchorProcess += anchor.processSeconds();
            anchorVerdicts.putAll(anchor.verdicts());
            for (int level : settings.concurrency()) {
                progress.accept("block " + (b + 1) + "/" + blocks + ": evalbox, " + blockSamples + " samples in sandboxes, concurrency " + level);
                long started = System.nanoTime();
                List<HumanEvalVGrader.SampleVerdict> verdicts;
                try (DockerSandboxProvider docker = new DockerSandboxProvider(); SandboxPool pool = new SandboxPool(docker, 0, level)) {
                    verdicts = new HumanEvalVGrader(pool, spec, level).grade(tasks, predictions, HumanEvalVGrader.Version.V2);
                }
                seconds.merge(level, (System.nanoTime() - started) / 1e9, Double::sum);
                Map<String, HumanEvalVGrader.SampleVerdict> byKey = ours.computeIfAbsent(level, l -> new LinkedHashMap<>());
                verdicts.forEach(v -> byKey.put(v.qid() + "/" + v.sample(), v));
            }
        }
        if (anchorVerdicts.size() != samples) {
            throw new BenchException("the anchor returned " + anchorVerdicts.size() + " verdicts for " + samples + " samples");
        }
        double anchorRate = samples / anchorWall;
        long anchorPassed = anchorVerdicts.values().stream().filter(HumanEvalVAnchor.Verdict::passed).count();
        measures.add(Measure.of("anchor_wall_s", "anchor: reference procedure, host python3 (" + anchorPassed + " passed)",
                anchorWall, "s", null));
        measures.add(Measure.of("anchor_samples_per_s", "anchor throughput", anchorRate, "samples/s", null));
        notes.add(unexpected("anchor", set, (qid, i) -> anchorVerdicts.get(qid + "/" + i)));

        for (int level : settings.concurrency()) {
            Map<String, HumanEvalVGrader.SampleVerdict> byKey = ours.get(level);
            double rate = samples / seconds.get(level);
            long passed = byKey.values().stream().filter(HumanEvalVGrader.SampleVerdict::passed).count();
            measures.add(new Measure("grade_wall_s_c" + level, "evalbox: grade " + samples + " samples in sandboxes, concurrency " + level
                    + " (" + passed + " passed)", seconds.get(level), "s", anchorWall, null));
            measures.add(new Measure("grade_samples_per_s_c" + level, "evalbox throughput, concurrency " + level, rate, "samples/s",
                    anchorRate, null));
            measures.add(Measure.of("throughput_ratio_c" + level, "evalbox throughput / anchor's, concurrency " + level,
                    rate / anchorRate, "x", Goal.atLeast(GOAL, "x")));

            List<String> disagreements = new ArrayList<>();
            anchorVerdicts.forEach((key, reference) -> {
                HumanEvalVGrader.SampleVerdict mine = byKey.get(key);
                if (mine == null || mine.passed() != reference.passed() || mine.pylintFailed() != reference.pylintFailed()) {
                    disagreements.add(key + ": anchor " + describe(reference.passed(), reference.pylintFailed(), reference.result())
                            + ", evalbox " + (mine == null ? "no verdict" : describe(mine.passed(), mine.pylintFailed(), mine.result())));
                }
            });
            measures.add(Measure.of("disagreements_c" + level, "verdicts that differ from the anchor's, concurrency " + level,
                    disagreements.size(), "samples", Goal.below(1, "samples")));
            disagreements.stream().limit(LISTED_DISAGREEMENTS).forEach(d -> notes.add("disagreement (concurrency " + level + ") " + d));
            notes.add(unexpected("evalbox, concurrency " + level, set, (qid, i) -> {
                HumanEvalVGrader.SampleVerdict v = byKey.get(qid + "/" + i);
                return v == null ? null : new HumanEvalVAnchor.Verdict(v.passed(), v.pylintFailed(), v.result());
            }));
        }

        Map<String, Object> context = new LinkedHashMap<>();
        context.put("image", settings.image());
        context.put("samples", samples);
        context.put("tasks", set.tasks().size());
        context.put("samples_per_task", HumanEvalVBenchTasks.SAMPLES_PER_TASK);
        context.put("blocks", blocks);
        context.put("anchor_python", settings.python() + " (" + versions + ")");
        context.put("host_cpus", Runtime.getRuntime().availableProcessors());
        notes.add(0, "samples: evalbox's generated HumanEval-V-format tasks (8 kinds, " + HumanEvalVBenchTasks.SAMPLES_PER_TASK
                + " answers each: correct in several shapes, wrong, rejected by pylint, raising, without code, endless), seed "
                + settings.seed() + ".");
        notes.add(1, "anchor: the reference's evaluate.py procedure on the host (" + versions + "), unsandboxed: tasks in turn, a"
                + " fresh process pool with one worker per CPU for each task's samples, pylint through its API on one file per"
                + " sample, then the program in a new process with a 2 s limit; " + String.format("%.1f", anchorProcess)
                + " s inside python3.");
        notes.add(2, "evalbox: HumanEvalVGrader in hardened Docker sandboxes (1 CPU each), one harness process per sandbox,"
                + " pylint over a batch of tasks (up to 30 samples) in one run, each sample in a forked process with a 2 s limit; wall time"
                + " includes starting the sandboxes (once per block).");
        notes.add(3, "the samples are graded in " + blocks + " blocks of consecutive tasks; each block by the anchor, then by evalbox"
                + " at each concurrency level; the times are the sums.");
        return new BenchReport("humaneval-v", "evalbox bench humaneval-v: " + samples + " samples on " + settings.image()
                + " vs the reference procedure on the host", context, measures, notes);
    }

    private static String describe(boolean passed, boolean pylintFailed, String result) {
        String first = result.lines().findFirst().orElse("");
        return (passed ? "pass" : pylintFailed ? "pylint fail" : "fail") + (passed ? "" : " (" + first + ")");
    }

    /** How many verdicts contradict what the generated sample was meant to do. */
    private static String unexpected(String who, HumanEvalVBenchTasks.SampleSet set,
                                     BiFunction<String, Integer, HumanEvalVAnchor.Verdict> verdict) {
        int count = 0;
        String example = "";
        for (int t = 0; t < set.tasks().size(); t++) {
            String qid = set.tasks().get(t).qid();
            List<HumanEvalVBenchTasks.Kind> kinds = set.kinds().get(t);
            for (int i = 0; i < kinds.size(); i++) {
                HumanEvalVAnchor.Verdict v = verdict.apply(qid, i);
                HumanEvalVBenchTasks.Kind kind = kinds.get(i);
                boolean expected = v != null && v.passed() == (kind == HumanEvalVBenchTasks.Kind.PASS)
                        && v.pylintFailed() == (kind == HumanEvalVBenchTasks.Kind.PYLINT_ERROR);
                if (!expected) {
                    if (count++ == 0) example = " (first: " + qid + "/" + i + " meant " + kind + ", got "
                            + (v == null ? "none" : describe(v.passed(), v.pylintFailed(), v.result())) + ")";
                }
            }
        }
        return who + ": " + count + " verdict(s) differ from what the sample was written to do" + example + ".";
    }
}
