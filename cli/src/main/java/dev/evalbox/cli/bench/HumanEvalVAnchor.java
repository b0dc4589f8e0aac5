package dev.evalbox.cli.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.evalbox.unittests.humanevalv.HumanEvalVTask;
import dev.evalbox.unittests.humanevalv.Predictions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private HumanEvalVAnchor() { }

    /** The python3 and pylint versions, or a {@link BenchException} saying how to install pylint. */
    static String versions(String python) {
        String out = run(List.of(python, "-c", "import sys, pylint; print(sys.version.split()[0], pylint.__version__)"), null);
        return "python " + out.strip().replace(" ", ", pylint ");
    }

    static Result run(String python, List<HumanEvalVTask> tasks, List<Predictions.Entry> predictions) {
        ObjectMapper json = new ObjectMapper();
        try (ScratchDirectory scratch = ScratchDirectory.create("evalbox-humaneval-v-anchor-")) {
            Path dir = scratch.path();
            Files.writeString(dir.resolve("grade_harness.py"), resource("/dev/evalbox/unittests/humanevalv/grade_harness.py"));
            Files.writeString(dir.resolve("humaneval_v_anchor.py"), resource("/dev/evalbox/cli/bench/humaneval_v_anchor.py"));
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
            long started = System.nanoTime();
            String out = run(List.of(python, "humaneval_v_anchor.py", "tasks.json"), dir);
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

    private static String run(List<String> command, Path dir) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
            if (dir != null) builder.directory(dir.toFile());
            Path err = Files.createTempFile("evalbox-anchor-", ".err");
            builder.redirectError(err.toFile());
            Process process = builder.start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int status = process.waitFor();
            String errors = Files.readString(err);
            Files.deleteIfExists(err);
            if (status != 0) {
                if (errors.contains("No module named 'pylint'") || errors.contains("No module named pylint")) {
                    throw new BenchException("the anchor needs pylint for " + command.get(0) + ": install Debian's pylint"
                            + " (apt-get install pylint, or scripts/setup.sh host-python)");
                }
                throw new BenchException("the HumanEval-V anchor failed (exit " + status + "): " + errors.strip());
            }
            return out;
        } catch (IOException e) {
            throw new BenchException("cannot run " + command.get(0) + " for the anchor: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BenchException("interrupted");
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = HumanEvalVAnchor.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the evalbox jars");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

}
