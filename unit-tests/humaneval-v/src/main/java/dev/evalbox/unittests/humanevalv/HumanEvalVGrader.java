package dev.evalbox.unittests.humanevalv;

import dev.evalbox.unittests.eval.stats.PassAtK;

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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Grades HumanEval-V predictions as the reference does, inside sandboxes: each sample is
 * post-processed (code-block rules of v0.1 or v2, the AST pass in Python), checked by pylint (an error
 * or fatal message other than function-redefined fails it without running), then run in a fresh
 * process with a 2 s limit. Many samples share a sandbox and its harness process; each sample runs in
 * a process forked for it; pylint checks a batch of tasks' samples in one run.
 */
public final class HumanEvalVGrader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH_SAMPLES = 30;
    /** grade_harness.py in base64, read from the jar once. */
    private static volatile String harnessSource;
    /**
     * The harness runs as one long-lived process per sandbox (pylint imported once, its caches warm), started by the
     * first batch and again when it has died; a cell that is interrupted kills it, so no stale answer is read later.
     * The harness's source and the batch travel in the cell, never in files that something a sample left running
     * could rewrite; the cell's process seals itself as the harness does (see grade_harness.py), reads the verdict
     * lines from the harness's stdout, writes them to verdicts.jsonl and prints their SHA-256 on its own stdout,
     * which only the sandbox's driver frames: a verdicts file that changed afterwards is not taken.
     */
    private static final String SERVE_CELL = """
            import base64 as _b64, hashlib as _hl, os as _os, subprocess as _sp, sys as _sys
            _src = _b64.b64decode('%s').decode('utf-8')
            _batch = _b64.b64decode('%s').decode('utf-8')
            _ns = {'__name__': 'evalbox_grade_harness'}
            exec(_src, _ns)
            _ns['seal'](reaper=False)
            _h = globals().get('_evalbox_harness')
            if _h is not None and _h.poll() is not None:
                _h = None
            _ns['sweep'](keep={_h.pid} if _h is not None else set())
            if _h is None:
                _h = _evalbox_harness = _sp.Popen([_sys.executable, '-c', _src, '--serve'], stdin=_sp.PIPE, stdout=_sp.PIPE, text=True)
            _lines = []
            _done = False
            try:
                _h.stdin.write(_batch + '\\n')
                _h.stdin.flush()
                for _line in _h.stdout:
                    if _line == 'done\\n':
                        _done = True
                        break
                    _lines.append(_line)
            finally:
                if not _done:
                    # the harness's output can end before its children are handed to this process: wait for its end
                    _h.kill()
                    _h.wait()
                _ns['sweep'](keep={_h.pid} if _done else set())
            _text = ''.join(_lines)
            _os.makedirs('.evalbox', exist_ok=True)
            with open('.evalbox/verdicts.jsonl', 'w', encoding='utf-8') as _out:
                _out.write(_text)
            print('evalbox-verdicts', _hl.sha256(_text.encode('utf-8')).hexdigest(), len(_lines))
            """;
    private static final Pattern VERDICTS_MARK = Pattern.compile("^evalbox-verdicts ([0-9a-f]{64}) (\\d+)$", Pattern.MULTILINE);

    /** Which release's rules: v0.1 concatenates several closed blocks, v2 picks one. */
    public enum Version { V1, V2 }

    /**
     * One sample's outcome: {@code pylintFailed} says the pylint gate stopped it; {@code result} is the text the
     * reference's release gives it ("passed"; v2: the gate's "Pylint syntax check failed:..", "Test Case Execution
     * Time Out (> 2 seconds)" or the text of what the program raised; v0.1: "pylint fail:..", "timed out" or
     * "failed: " and that text), or evalbox's "grading did not finish: .." when the harness itself died.
     */
    public record SampleVerdict(String qid, int sample, boolean passed, boolean pylintFailed, String result, String completion) { }

    private final SandboxPool pool;
    private final SandboxSpec spec;
    private final int concurrency;

    public HumanEvalVGrader(SandboxPool pool, SandboxSpec spec, int concurrency) {
        this.pool = pool;
        this.spec = spec;
        this.concurrency = concurrency;
    }

    /**
     * What the reference grades of a predictions file: v2 merges the entries of each task into one
     * ({@link Predictions#mergeByQid}); v0.1 takes every entry as it is, a task listed twice graded twice.
     */
    public static List<Predictions.Entry> items(List<Predictions.Entry> predictions, Version version) {
        return version == Version.V2 ? Predictions.mergeByQid(predictions) : List.copyOf(predictions);
    }

    /**
     * Grades the file's {@linkplain #items items}, in their order. A sample's number counts within its task: v0.1
     * grades a task listed in several entries once per entry, and its later entries' samples number on from the
     * earlier ones', in the order the reference collects them for pass@k.
     */
    public List<SampleVerdict> grade(List<HumanEvalVTask> tasks, List<Predictions.Entry> predictions, Version version) {
        Numbered numbered = number(tasks, predictions, version);
        List<SampleVerdict> verdicts = Collections.synchronizedList(new ArrayList<>());
        Workers.run(batches(numbered.items()), concurrency, () -> pool.acquire(spec), (sandbox, batch) -> {
            verdicts.addAll(gradeBatch(sandbox, numbered.byQid(), batch, version));
        });
        return numbered.inItemOrder(verdicts);
    }

    /**
     * Grades a few tasks' predictions in one round trip in {@code sandbox}, 
     * how a run grades the tasks a worker holds. The predictions of a task must all be in one call.
     */
    public static List<SampleVerdict> gradeIn(Sandbox sandbox, List<HumanEvalVTask> tasks, List<Predictions.Entry> predictions,
                                              Version version) {
        Numbered numbered = number(tasks, predictions, version);
        return numbered.inItemOrder(gradeBatch(sandbox, numbered.byQid(), numbered.items(), version));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The items of a predictions file with their samples numbered within each task, and the way back to item order. */
    private record Numbered(Map<String, HumanEvalVTask> byQid, List<Item> items, Map<String, Integer> itemOf) {
        List<SampleVerdict> inItemOrder(List<SampleVerdict> verdicts) {
            List<SampleVerdict> ordered = new ArrayList<>(verdicts);
            ordered.sort(Comparator.comparingInt((SampleVerdict v) -> itemOf.get(v.qid() + "/" + v.sample())).thenComparingInt(SampleVerdict::sample));
            return ordered;
        }
    }

    private static Numbered number(List<HumanEvalVTask> tasks, List<Predictions.Entry> predictions, Version version) {
        Map<String, HumanEvalVTask> byQid = new LinkedHashMap<>();
        tasks.forEach(t -> byQid.put(t.qid(), t));
        for (Predictions.Entry entry : predictions) {
            if (!byQid.containsKey(entry.qid())) throw new IllegalArgumentException("predictions for an unknown task: " + entry.qid());
        }
        List<Item> items = new ArrayList<>();
        Map<String, Integer> numbered = new HashMap<>();
        Map<String, Integer> itemOf = new HashMap<>(); // "qid/sample" -> the item's place, to return the verdicts in item order
        for (Predictions.Entry entry : items(predictions, version)) {
            int first = numbered.getOrDefault(entry.qid(), 0);
            numbered.put(entry.qid(), first + entry.predictions().size());
            for (int i = 0; i < entry.predictions().size(); i++) itemOf.put(entry.qid() + "/" + (first + i), items.size());
            items.add(new Item(entry, first));
        }
        return new Numbered(byQid, items, itemOf);
    }

    /** One item to grade: its entry, and the number of its first sample within the task. */
    private record Item(Predictions.Entry entry, int firstSample) { }

    /**
     * Consecutive items grouped up to about {@value #BATCH_SAMPLES} samples, so that one sandbox round trip and one
     * pylint run serve several tasks; smaller when that would leave workers without work.
     */
    private List<List<Item>> batches(List<Item> items) {
        int total = items.stream().mapToInt(i -> i.entry().predictions().size()).sum();
        int size = Math.max(1, Math.min(BATCH_SAMPLES, total / (Math.max(1, concurrency) * 4)));
        List<List<Item>> batches = new ArrayList<>();
        List<Item> current = new ArrayList<>();
        int samples = 0;
        for (Item item : items) {
            if (!current.isEmpty() && samples + item.entry().predictions().size() > size) {
                batches.add(current);
                current = new ArrayList<>();
                samples = 0;
            }
            current.add(item);
            samples += item.entry().predictions().size();
        }
        if (!current.isEmpty()) batches.add(current);
        return batches;
    }

    private static List<SampleVerdict> gradeBatch(Sandbox sandbox, Map<String, HumanEvalVTask> byQid, List<Item> batch, Version version) {
        ArrayNode samples = JSON.createArrayNode();
        for (Item item : batch) {
            HumanEvalVTask task = byQid.get(item.entry().qid());
            for (int i = 0; i < item.entry().predictions().size(); i++) {
                samples.addObject().put("qid", task.qid()).put("sample", item.firstSample() + i).put("prediction", item.entry().predictions().get(i))
                        .put("signature", task.functionSignature()).put("test", task.testScript())
                        .put("version", version == Version.V1 ? "v1" : "v2").put("timeout", 2);
            }
        }
        String cell;
        try {
            cell = SERVE_CELL.formatted(harness(), Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(samples)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Pylint takes well under a second per sample; execution at most three.
        ExecutionResult run = sandbox.execute(cell, Duration.ofSeconds(30L + 5L * samples.size()));
        Map<String, SampleVerdict> byKey = new HashMap<>();
        Matcher mark = VERDICTS_MARK.matcher(run.stdout());
        boolean marked = mark.find();
        byte[] file = marked ? sandbox.download(".evalbox/verdicts.jsonl") : new byte[0];
        boolean intact = marked && mark.group(1).equals(sha256(file));
        String lines = intact ? new String(file, StandardCharsets.UTF_8) : "";
        for (String line : lines.split("\n")) {
            if (line.isBlank()) continue;
            try {
                JsonNode v = JSON.readTree(line);
                SampleVerdict verdict = new SampleVerdict(v.path("qid").asText(), v.path("sample").asInt(), v.path("passed").asBoolean(),
                        v.path("pylint_failed").asBoolean(), v.path("result").asText(), v.path("completion").asText());
                byKey.put(verdict.qid() + "/" + verdict.sample(), verdict);
            } catch (IOException e) {
                break; // a line cut short by a harness that died: its sample counts as unfinished
            }
        }
        String why = run.status() == ExecutionStatus.OK && marked && !intact ? "the verdicts file changed after the harness wrote it (a sample's process?)"
                : run.status() == ExecutionStatus.ERROR ? "the grading cell failed: " + run.error().map(e -> e.ename() + ": " + e.evalue()).orElse("")
                : run.status() == ExecutionStatus.OK ? "the harness process ended early (a sample killed it?)"
                : run.status().name().toLowerCase(Locale.ROOT) + (run.message().isEmpty() ? "" : " (" + run.message() + ")");
        List<SampleVerdict> verdicts = new ArrayList<>();
        for (Item item : batch) {
            for (int i = item.firstSample(); i < item.firstSample() + item.entry().predictions().size(); i++) {
                SampleVerdict verdict = byKey.get(item.entry().qid() + "/" + i);
                verdicts.add(verdict != null ? verdict : new SampleVerdict(item.entry().qid(), i, false, false, "grading did not finish: " + why, ""));
            }
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

    /**
     * Whether the reference counts this result against the parse-success rate. It goes by the result's text, not by
     * the pylint gate: v2 counts every result that starts with "Pylint" (its gate's text, and also what a program
     * that raised an exception whose text starts so leaves), v0.1 every one that starts with "pylint fail" (only its
     * gate's text: its other results start with "passed", "timed out" or "failed: ").
     */
    public static boolean countsAsParseFailure(String result, Version version) {
        return result.startsWith(version == Version.V2 ? "Pylint" : "pylint fail");
    }

    /**
     * The parse-success rate as the reference computes it: 1 - (results counted by {@link #countsAsParseFailure})
     * / (the last item's sample count x the number of {@linkplain #items items}), x100, rounded as Python's
     * round(x, 1). The reference assumes every item has as many samples as the last one; where they differ (a
     * v0.1 file that lists a task twice) its quotient is kept, even below 0.
     */
    public static double parseSuccessRate(List<SampleVerdict> verdicts, List<Predictions.Entry> items, Version version) {
        if (items.isEmpty()) throw new IllegalArgumentException("no predictions: the parse-success rate needs at least one task");
        long failed = verdicts.stream().filter(v -> countsAsParseFailure(v.result(), version)).count();
        double rate = 100 * (1 - (double) failed / ((double) items.get(items.size() - 1).predictions().size() * items.size()));
        return new BigDecimal(rate).setScale(1, RoundingMode.HALF_EVEN).doubleValue();
    }

    /** The k the reference reports, from the last item's sample count: 1 for one sample, else 3 (v2) or 10 (v0.1). */
    public static int referenceK(List<Predictions.Entry> items, Version version) {
        if (items.isEmpty()) throw new IllegalArgumentException("no predictions: there is no k to report");
        return items.get(items.size() - 1).predictions().size() == 1 ? 1 : version == Version.V2 ? 3 : 10;
    }

    private static String harness() {
        String source = harnessSource;
        if (source == null) {
            try (InputStream in = HumanEvalVGrader.class.getResourceAsStream("grade_harness.py")) {
                if (in == null) throw new IllegalStateException("grade_harness.py is missing from the evalbox-humaneval-v jar");
                source = harnessSource = Base64.getEncoder().encodeToString(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return source;
    }
}
