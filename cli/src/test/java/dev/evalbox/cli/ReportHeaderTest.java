package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.artifactsbench.ArtifactsSample;
import dev.evalbox.unittests.report.ChromiumRequired;
import dev.evalbox.unittests.pybench.PyBenchSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header of report.html as each benchmark's commands write it: the benchmark, the model and
 * the run's date, never "run ·" with nothing after it. Real commands, real sandboxes, real Chromium.
 */
@Tag("docker")
class ReportHeaderTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern HEADER = Pattern.compile("<h1 id=\"run-header\"><span class=\"benchmark\">([^<]*)</span> · "
            + "<span class=\"model\">([^<]*)</span> · <time class=\"date\" datetime=\"([^\"]*)\">([^<]*)</time></h1>");
    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    /**
     * "benchmark | model | date" from the report.html that `evalbox report RUN` writes (some commands
     * write none themselves); the date must be the one run.json records under {@code dateKey}.
     */
    private static String header(Path run, String dateKey) throws Exception {
        CommandRunner.Result report = CommandRunner.run("report", run.toString());
        assertEquals(0, report.exitCode(), report.out() + report.err());
        String html = Files.readString(run.resolve("report.html"));
        Matcher m = HEADER.matcher(html);
        assertTrue(m.find(), run + "/report.html has a header with benchmark, model and date:\n" + html.substring(0, Math.min(2000, html.length())));
        JsonNode runJson = JSON.readTree(run.resolve("run.json").toFile());
        assertEquals(SHOWN.format(Instant.parse(runJson.path(dateKey).asText())), m.group(4), "the date is the run's " + dateKey);
        return m.group(1) + " | " + m.group(2);
    }

    @Test
    @Tag("chromium")
    void theDemosRunsNameTheirBenchmarkModelAndDate(@TempDir Path runs) throws Exception {
        ChromiumRequired.check();
        CommandRunner.Result demo = CommandRunner.run("demo", "--backend", "docker", "--runs-dir", runs.toString());
        assertEquals(0, demo.exitCode(), demo.out() + demo.err());
        assertFalse(demo.out().contains("skipped"), "with Chromium installed no part of the demo is skipped:\n" + demo.out());
        Path runDir;
        try (Stream<Path> dirs = Files.list(runs)) {
            runDir = dirs.findFirst().orElseThrow();
        }
        // the demo runs the sample as `evalbox run pybench --model replay:FILE` does, and its record names that file
        assertEquals("PyBench | replay:" + runDir.resolve("pybench-sample/checkout/recorded_trajectory.jsonl"),
                header(runDir.resolve("pybench-sample/run"), "started"));
        assertTrue(Files.isRegularFile(runDir.resolve("humaneval-v-sample/run/report.html")), "the demo writes every part's report");
        assertEquals("HumanEval-V | reference solutions", header(runDir.resolve("humaneval-v-sample/run"), "started"));
        // the demo grades its sample's answers file with `grade artifactsbench`, which names the file it graded
        assertEquals("ArtifactsBench | answers answers.jsonl", header(runDir.resolve("artifactsbench-sample/run"), "started"));
    }

    @Test
    void aPyBenchRunNamesItsModel(@TempDir Path dir) throws Exception {
        Path checkout = PyBenchSample.extract(dir.resolve("checkout"));
        Path run = dir.resolve("run");
        String model = "replay:" + checkout.resolve("recorded_trajectory.jsonl");
        CommandRunner.Result result = CommandRunner.run("run", "pybench", "--pybench-dir", checkout.toString(), "--model", model,
                "--backend", "docker", "--concurrency", "2", "--out", run.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertEquals("PyBench | " + model, header(run, "started"));
    }

    @Test
    void aCodeInterpreterRunAndItsRegradeNameTheAgentsModel(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("eval_code_interpreter_v1.jsonl");
        Files.writeString(data, "{\"query\": \"Say ok.\", \"tags\": \"all_ci,general\"}\n");
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            server.then(Step.reply("Thought: I now know the final answer\nFinal Answer: ok"));
            CommandRunner.Result result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--model", "agent-7b",
                    "--base-url", server.baseUrl(), "--backend", "docker", "--concurrency", "1", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
        }
        assertEquals("Code Interpreter | agent-7b", header(run, "started"));
        Path regrade = dir.resolve("regrade");
        CommandRunner.Result graded = CommandRunner.run("grade", "code-interpreter", run.toString(), "--backend", "docker", "--out", regrade.toString());
        assertEquals(0, graded.exitCode(), graded.out() + graded.err());
        assertEquals("Code Interpreter | agent-7b", header(regrade, "finished"), "a re-grade names the model of the run it re-scored");
    }

    @Test
    void aHumanEvalVRunNamesItsModel(@TempDir Path dir) throws Exception {
        assertEquals(0, CommandRunner.demoPart("humaneval-v", dir, "--backend", "docker"));
        Path run = dir.resolve("run");
        CommandRunner.Result result = CommandRunner.run("run", "humaneval-v", "--data",
                dir.resolve("humaneval-v-sample/data/humaneval_v_sample.jsonl").toString(), "--model", "reference",
                "--backend", "docker", "--out", run.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertEquals("HumanEval-V | reference", header(run, "started"));
    }

    @Test
    @Tag("chromium")
    void anArtifactsBenchGradeOfAnAnswersFileNamesTheFile(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path data = ArtifactsSample.write(dir.resolve("data"));
        Path run = dir.resolve("run");
        CommandRunner.Result result = CommandRunner.run("grade", "artifactsbench", "--dataset", data.resolve("tasks.jsonl").toString(),
                "--answers", data.resolve("answers.jsonl").toString(), "--render-only", "--concurrency", "1", "--out", run.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        assertEquals("ArtifactsBench | answers answers.jsonl", header(run, "started"));
    }
}
