package dev.evalbox.unittests.humanevalv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.sandbox.ExecutionResult;
import dev.evalbox.sandbox.ExecutionStatus;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import dev.evalbox.unittests.Workers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Grades HumanEval-V predictions as the reference does, inside sandboxes: each sample is
 * post-processed (code-block rules of v0.1 or v2, the AST pass in Python), checked by pylint (an error
 * or fatal message other than function-redefined fails it without running), then run in a fresh
 * process with a 2 s limit. Many samples share a sandbox and its harness process; each sample runs in
 * a process forked for it; pylint checks a task's samples in one run.
 */
public final class HumanEvalVGrader {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The harness runs as one long-lived process per sandbox (pylint imported once, its caches warm), started by the
     * first entry and restarted when it has died; a cell that is interrupted kills it, so no stale answer is read later.
     */
    private static final String SERVE_CELL = """
            import subprocess as _sp, sys as _sys
            _h = globals().get('_evalbox_harness')
            if _h is None or _h.poll() is not None:
                _h = _evalbox_harness = _sp.Popen([_sys.executable, '.evalbox/grade_harness.py', '--serve'],
                                                  stdin=_sp.PIPE, stdout=_sp.PIPE, text=True)
            open('.evalbox/verdicts.jsonl', 'w').close()  # a harness that dies at once must not leave the last entry's verdicts
            try:
                _h.stdin.write('.evalbox/samples.json .evalbox/verdicts.jsonl\\n')
                _h.stdin.flush()
                _h.stdout.readline()
            except BaseException:
                _h.kill()
                raise
            """;

    /** Which release's rules: v0.1 concatenates several closed blocks, v2 picks one. */
    public enum Version { V1, V2 }

    /** One sample's outcome, with the completion and the reason. */
    public record SampleVerdict(String qid, int sample, boolean passed, boolean pylintFailed, String result, String completion) { }

    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final int concurrency;

    public HumanEvalVGrader(SandboxPool pool, SandboxSpec spec, int concurrency) {
        this.pool = pool;
        this.spec = spec;
        this.concurrency = concurrency;
    }

    public List<SampleVerdict> grade(List<HumanEvalVTask> tasks, List<Predictions.Entry> predictions, Version version) {
        Map<String, HumanEvalVTask> byQid = new LinkedHashMap<>();
        tasks.forEach(t -> byQid.put(t.qid(), t));
        for (Predictions.Entry entry : predictions) {
            if (!byQid.containsKey(entry.qid())) throw new IllegalArgumentException("predictions for an unknown task: " + entry.qid());
        }
        List<SampleVerdict> verdicts = Collections.synchronizedList(new ArrayList<>());
        String harness = harness();
        Workers.run(predictions, concurrency, () -> pool.acquire(spec), (sandbox, entry) ->
                verdicts.addAll(gradeEntry(sandbox, harness, byQid.get(entry.qid()), entry, version)));
        List<String> order = new ArrayList<>(byQid.keySet());
        List<SampleVerdict> ordered = new ArrayList<>(verdicts);
        ordered.sort(java.util.Comparator.comparingInt((SampleVerdict v) -> order.indexOf(v.qid())).thenComparingInt(SampleVerdict::sample));
        return ordered;
    }

    private static List<SampleVerdict> gradeEntry(Sandbox sandbox, String harness, HumanEvalVTask task, Predictions.Entry entry,
                                                  Version version) {
        ArrayNode samples = JSON.createArrayNode();
        for (int i = 0; i < entry.predictions().size(); i++) {
            samples.addObject().put("qid", task.qid()).put("sample", i).put("prediction", entry.predictions().get(i))
                    .put("signature", task.functionSignature()).put("test", task.testScript())
                    .put("version", version == Version.V1 ? "v1" : "v2").put("timeout", 2);
        }
        try {
            sandbox.upload(harness.getBytes(StandardCharsets.UTF_8), ".evalbox/grade_harness.py");
            sandbox.upload(JSON.writeValueAsBytes(samples), ".evalbox/samples.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Pylint takes well under a second per sample; execution at most three.
        Duration limit = Duration.ofSeconds(30L + 5L * entry.predictions().size());
        ExecutionResult run = sandbox.execute(SERVE_CELL, limit);
        List<SampleVerdict> verdicts = new ArrayList<>();
        String lines = new String(sandbox.download(".evalbox/verdicts.jsonl"), StandardCharsets.UTF_8);
        for (String line : lines.split("\n")) {
            if (line.isBlank()) continue;
            try {
                JsonNode v = JSON.readTree(line);
                verdicts.add(new SampleVerdict(v.path("qid").asText(), v.path("sample").asInt(), v.path("passed").asBoolean(),
                        v.path("pylint_failed").asBoolean(), v.path("result").asText(), v.path("completion").asText()));
            } catch (IOException e) {
                break;
            }
        }
        for (int i = verdicts.size(); i < entry.predictions().size(); i++) {
            String why = run.status() == ExecutionStatus.OK ? "the harness process ended early (a sample killed it?)"
                    : run.status().name().toLowerCase() + (run.message().isEmpty() ? "" : " (" + run.message() + ")");
            verdicts.add(new SampleVerdict(task.qid(), i, false, false, "grading did not finish: " + why, ""));
        }
        return verdicts;
    }

    /** pass@k over the tasks (empty when some task has fewer than k samples). */
    public static OptionalDouble passAtK(List<SampleVerdict> verdicts, int k) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        for (SampleVerdict v : verdicts) {
            int[] c = counts.computeIfAbsent(v.qid(), q -> new int[2]);
            c[0]++;
            if (v.passed()) c[1]++;
        }
        return PassAtK.score(counts.values().stream().map(c -> new PassAtK.Counts(c[0], c[1])).toList(), k);
    }

    /** The parse-success rate: the share of samples pylint let through, x100, rounded as the reference rounds. */
    public static double parseSuccessRate(List<SampleVerdict> verdicts) {
        long failed = verdicts.stream().filter(SampleVerdict::pylintFailed).count();
        double rate = 100 * (1 - (double) failed / verdicts.size());
        return new BigDecimal(rate).setScale(1, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** The k the reference reports: 1 for one sample per task, else 3 (v2) or 10 (v0.1). */
    public static int referenceK(int samplesPerTask, Version version) {
        return samplesPerTask == 1 ? 1 : version == Version.V2 ? 3 : 10;
    }

    private static String harness() {
        try (InputStream in = HumanEvalVGrader.class.getResourceAsStream("grade_harness.py")) {
            if (in == null) throw new IllegalStateException("grade_harness.py is missing from the evalbox-unit-tests jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
