package dev.evalbox.unittests.humanevalv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.unittests.bench.BenchException;
import dev.evalbox.unittests.bench.ScratchDirectory;
import dev.evalbox.unittests.host.HostCommand;
import dev.evalbox.unittests.host.HostCommandException;
import dev.evalbox.unittests.humanevalv.HumanEvalVTask;
import dev.evalbox.unittests.humanevalv.Predictions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HumanEval-V's own grading procedure as the anchor: humaneval_v_anchor.py run by the host's python3 with its
 * pylint (unsandboxed), on the same samples. Measures the wall time from process start to its result.
 */
final class HumanEvalVAnchor {
    /** One sample's outcome under the reference procedure. */
    record Verdict(boolean passed, boolean pylintFailed, String result) { }

    /** Wall time around the process, time inside it, and the verdicts by "qid/sample". */
    record Result(double wallSeconds, double processSeconds, Map<String, Verdict> verdicts) { }

    /** Starting python3 and importing pylint. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    /** Generous bounds (a sample takes pylint plus at most 2 s of running): past them the anchor is stuck, not slow. */
    private static final Duration RUN_TIMEOUT_BASE = Duration.ofMinutes(10);
    private static final Duration PER_SAMPLE_TIMEOUT = Duration.ofSeconds(10);

    private HumanEvalVAnchor() { }

    /** The python3 and pylint versions, or a {@link BenchException} saying how to install pylint. */
    static String versions(String python) {
        String out = run(python, HostCommand.of(python, "-c", "import sys, pylint; print(sys.version.split()[0], pylint.__version__)")
                .timeout(PROBE_TIMEOUT));
        return "python " + out.strip().replace(" ", ", pylint ");
    }

    static Result run(String python, List<HumanEvalVTask> tasks, List<Predictions.Entry> predictions) {
        ObjectMapper json = new ObjectMapper();
        try (ScratchDirectory scratch = ScratchDirectory.create("evalbox-humaneval-v-anchor-")) {
            Path dir = scratch.path();
            Files.writeString(dir.resolve("grade_harness.py"), resource("/dev/evalbox/unittests/humanevalv/grade_harness.py"));
            Files.writeString(dir.resolve("humaneval_v_anchor.py"), resource("humaneval_v_anchor.py"));
            Map<String, HumanEvalVTask> byQid = new LinkedHashMap<>();
            tasks.forEach(t -> byQid.put(t.qid(), t));
            ArrayNode list = json.createArrayNode();
            for (Predictions.Entry entry : predictions) {
                HumanEvalVTask task = byQid.get(entry.qid());
                ArrayNode samples = list.addObject().put("qid", task.qid()).put("signature", task.functionSignature())
                        .put("test", task.testScript()).put("version", "v2").putArray("predictions");
                entry.predictions().forEach(samples::add);
            }
            Files.write(dir.resolve("tasks.json"), json.writeValueAsBytes(list));
            int samples = predictions.stream().mapToInt(e -> e.predictions().size()).sum();
            HostCommand anchor = HostCommand.of(python, "humaneval_v_anchor.py", "tasks.json").directory(dir)
                    .timeout(RUN_TIMEOUT_BASE.plus(PER_SAMPLE_TIMEOUT.multipliedBy(samples)));
            long started = System.nanoTime();
            String out = run(python, anchor);
            double wall = (System.nanoTime() - started) / 1e9;
            JsonNode result = json.readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
            Map<String, Verdict> verdicts = new LinkedHashMap<>();
            for (JsonNode v : result.path("verdicts")) {
                verdicts.put(v.path("qid").asText() + "/" + v.path("sample").asInt(),
                        new Verdict(v.path("passed").asBoolean(), v.path("pylint_failed").asBoolean(), v.path("result").asText()));
            }
            return new Result(wall, result.path("seconds").asDouble(), verdicts);
        } catch (IOException e) {
            throw new BenchException("the HumanEval-V anchor could not run: " + e.getMessage(), e);
        }
    }

    /** Runs the anchor's python3; its stdout, or a {@link BenchException} that says what failed and what to do. */
    private static String run(String python, HostCommand command) {
        HostCommand.Result result;
        try {
            result = command.run();
        } catch (HostCommandException e) {
            throw new BenchException("the HumanEval-V anchor failed: " + e.getMessage(), e);
        }
        if (!result.ok()) {
            String errors = result.err();
            if (errors.contains("No module named 'pylint'") || errors.contains("No module named pylint")) {
                throw new BenchException("the anchor needs pylint for " + python
                        + ": install Debian's pylint (apt-get install pylint, or scripts/setup.sh host-python)");
            }
            throw new BenchException("the HumanEval-V anchor failed (exit " + result.exitCode() + "): " + errors.strip());
        }
        return result.out();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = HumanEvalVAnchor.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the evalbox jars");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
