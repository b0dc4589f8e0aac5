package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.evalbox.agentloop.ScriptedChatServer;
import dev.evalbox.agentloop.ScriptedChatServer.Step;
import dev.evalbox.agentloop.trajectory.Trajectories;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.unittests.report.ChromiumRequired;
import dev.evalbox.unittests.RunDirectory;
import dev.evalbox.unittests.pybench.PyBenchSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real runs validated against the published JSON Schemas of the run record (docs/schema): run.json,
 * every line of results.jsonl and every event of trajectories.jsonl, for every benchmark on the spine.
 */
@Tag("docker")
class RunRecordSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SCHEMAS = Path.of("..", "docs", "schema");

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    private static Schema schema(String name) throws Exception {
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(SCHEMAS.resolve(name)));
    }

    /** Validates a run directory; returns its run.json. */
    static JsonNode assertValidRun(Path runDir) throws Exception {
        JsonNode run = JSON.readTree(runDir.resolve("run.json").toFile());
        assertEquals(List.of(), schema("run.schema.json").validate(run).stream().map(Object::toString).toList(), "run.json of " + runDir);
        Schema result = schema("result.schema.json");
        List<JsonNode> rows = RunDirectory.readResults(runDir);
        assertFalse(rows.isEmpty(), "results.jsonl of " + runDir + " has rows");
        for (JsonNode row : rows) {
            assertEquals(List.of(), result.validate(row).stream().map(Object::toString).toList(), "results.jsonl line " + row);
        }
        Schema event = schema("trajectory-event.schema.json");
        List<String> lines = Files.readAllLines(runDir.resolve("trajectories.jsonl"));
        assertFalse(lines.isEmpty(), "trajectories.jsonl of " + runDir + " has events");
        for (String line : lines) {
            assertEquals(List.of(), event.validate(JSON.readTree(line)).stream().map(Object::toString).toList(), "trajectories.jsonl line " + line);
        }
        return run;
    }

    @Test
    void theSchemasRejectWhatTheyMust() throws Exception {
        ObjectNode run = (ObjectNode) JSON.readTree("{\"schema_version\": 1, \"kind\": \"run\", \"benchmark\": \"x\", \"status\": \"done\"}");
        assertFalse(schema("run.schema.json").validate(run).isEmpty(), "an unknown status and missing fields are errors");
        JsonNode row = JSON.readTree("{\"task_id\": \"1\", \"epoch\": 0, \"sample\": 0, \"reason\": \"\"}");
        assertFalse(schema("result.schema.json").validate(row).isEmpty(), "epoch 0 and no verdict are errors");
        JsonNode event = JSON.readTree("{\"type\": \"code_execution\", \"task_id\": \"1\", \"time\": \"2026-01-01T00:00:00Z\", \"turn\": 1}");
        assertFalse(schema("trajectory-event.schema.json").validate(event).isEmpty(), "a cell without code, status and outputs is an error");
    }

    @Test
    void humanevalVRunAndGrade(@TempDir Path dir) throws Exception {
        assertEquals(0, CommandRunner.demoPart("humaneval-v", dir, "--backend", "docker"));
        JsonNode graded = assertValidRun(dir.resolve("humaneval-v-sample/run"));
        assertEquals("grade", graded.path("kind").asText());
        Path run = dir.resolve("run");
        CommandRunner.Result result = CommandRunner.run("run", "humaneval-v", "--data",
                dir.resolve("humaneval-v-sample/data/humaneval_v_sample.jsonl").toString(), "--model", "reference",
                "--backend", "docker", "--out", run.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        JsonNode record = assertValidRun(run);
        assertEquals(100.0, record.path("metrics").path("pass@1").asDouble(), record.toString());
        assertTrue(Files.isRegularFile(run.resolve("predictions.json")), "the reference's own format is written too");
        assertReplays(run, 3);
    }

    @Test
    void pybenchRunAndGrade(@TempDir Path dir) throws Exception {
        Path checkout = PyBenchSample.extract(dir.resolve("checkout"));
        Path run = dir.resolve("run");
        CommandRunner.Result result = CommandRunner.run("run", "pybench", "--pybench-dir", checkout.toString(),
                "--model", "replay:" + checkout.resolve("recorded_trajectory.jsonl"), "--backend", "docker", "--out", run.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        JsonNode record = assertValidRun(run);
        assertEquals("finished", record.path("status").asText());
        assertEquals("pybench", record.path("benchmark").asText());
        assertTrue(record.path("sandbox").path("image_id").asText().startsWith("sha256:"), record.toString());
        assertEquals(4, record.path("dataset").path("tasks").asInt());
        assertEquals(List.of("evalbox", "run", "pybench"), JSON.convertValue(record.path("command_line"), List.class).subList(0, 3));

        Path grade = dir.resolve("grade");
        result = CommandRunner.run("grade", "pybench", "--pybench-dir", checkout.toString(),
                "--trajectory", run.resolve("pybench_trajectory.jsonl").toString(), "--backend", "docker", "--out", grade.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        JsonNode graded = assertValidRun(grade);
        assertEquals("grade", graded.path("kind").asText());
        assertEquals(record.path("metrics").path("passed"), graded.path("metrics").path("passed"), "grading the run's own trajectory agrees with it");
        assertReplays(grade, 4);
    }

    /** Observation replay of a run directory rebuilds every task's conversation from its trajectories.jsonl. */
    static void assertReplays(Path runDir, int tasks) throws Exception {
        Path replay = runDir.resolveSibling(runDir.getFileName() + "-replay");
        CommandRunner.Result result = CommandRunner.run("replay", runDir.toString(), "--out", replay.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        List<JsonNode> rows = RunDirectory.readResults(replay);
        assertEquals(tasks, rows.size(), result.out());
        for (JsonNode row : rows) assertTrue(row.path("messages").size() > 0, "a conversation for task " + row.path("task_id"));
    }

    @Test
    @Tag("chromium")
    void artifactsbenchRunAndGrade(@TempDir Path dir) throws Exception {
        ChromiumRequired.check();
        Path dataset = dir.resolve("tasks.jsonl");
        Files.writeString(dataset, String.join("\n",
                "{\"index\": 1, \"question\": \"Draw a blue page.\", \"class\": \"Web Applications-X\", \"difficulty\": \"easy\","
                        + " \"checklist\": [{\"id\": 0, \"title\": \"Blue\", \"description\": \"d\", \"maxScore\": 100}]}",
                "{\"index\": 2, \"question\": \"Draw a circle.\", \"class\": \"SVG Generation-Y\", \"difficulty\": \"hard\","
                        + " \"checklist\": [{\"id\": 0, \"title\": \"Circle\", \"description\": \"d\", \"maxScore\": 100}]}"));
        Path run = dir.resolve("run");
        try (ScriptedChatServer server = new ScriptedChatServer()) {
            // task 1 answered and judged; task 2's generation fails, so its row has no answer and no score
            server.then(Step.reply("```html\n<html><body style='background:#00f'></body></html>\n```"), Step.reply("{\"Overall Score\": \"70\"}"),
                    Step.status(500, java.util.Map.of()));
            CommandRunner.Result result = CommandRunner.run("run", "artifactsbench", "--dataset", dataset.toString(), "--model", "coder",
                    "--base-url", server.baseUrl(), "--temperature", "0.5", "--max-attempts", "1", "--judge", "judge", "--concurrency", "1",
                    "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            JsonNode record = assertValidRun(run);
            assertEquals("finished", record.path("status").asText());
            assertEquals("artifactsbench", record.path("benchmark").asText());
            assertEquals(2, record.path("dataset").path("tasks").asInt());
            assertEquals("coder", record.path("model").path("name").asText());
            assertEquals(0.5, record.path("model").path("sampling").path("temperature").asDouble());
            assertEquals("judge", record.path("judge").path("name").asText());
            assertEquals(server.baseUrl(), record.path("judge").path("base_url").asText(), "the judge runs on the model's server");
            assertEquals("1280x720", record.path("config").path("viewport").asText());
            assertEquals(1, record.path("metrics").path("no_answer").asInt());
        }
        Path grade = dir.resolve("grade");
        CommandRunner.Result result = CommandRunner.run("grade", "artifactsbench", "--dataset", dataset.toString(),
                "--answers", run.resolve("answers.jsonl").toString(), "--render-only", "--out", grade.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        JsonNode graded = assertValidRun(grade);
        assertEquals("grade", graded.path("kind").asText());
        assertTrue(graded.path("judge").isNull(), "render only: no judge");
        assertEquals(1, graded.path("metrics").path("unscored").asInt(), "the rendered task has no score");
    }
    @Test
    void codeInterpreterRunAndGrade(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("eval_code_interpreter_v1.jsonl");
        Files.writeString(data, String.join("\n",
                "{\"query\": \"Draw a line.\", \"tags\": \"all_ci,visualization\"}",
                "{\"query\": \"Say ok.\", \"tags\": \"all_ci,general\"}"));
        Path gsm8k = dir.resolve("gsm8k_test.jsonl");
        Files.writeString(gsm8k, "{\"question\": \"What is 2 + 4?\", \"answer\": \"2+4=6\\n#### 6\"}\n");
        Path run = dir.resolve("run");
        String act = "Thought: run it\nAction: code_interpreter\nAction Input:\n```py\n%s\n```\n";
        try (ScriptedChatServer model = new ScriptedChatServer(); ScriptedChatServer judge = new ScriptedChatServer()) {
            model.then(Step.reply(act.formatted("plt.plot([1, 2, 3])\nplt.show()")), Step.reply("Thought: done\nFinal Answer: drawn"),
                    Step.reply(act.formatted("print('ok')")),
                    Step.reply(act.formatted("print(2 + 4)")), Step.reply("Thought: I know\nFinal Answer: 6"));
            judge.then(Step.reply("right"));
            CommandRunner.Result result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--gsm8k", gsm8k.toString(),
                    "--model", "agent", "--base-url", model.baseUrl(), "--temperature", "0", "--judge", "judge",
                    "--judge-base-url", judge.baseUrl(), "--backend", "docker", "--concurrency", "1", "--out", run.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            JsonNode record = assertValidRun(run);
            assertEquals("code-interpreter", record.path("benchmark").asText());
            assertEquals("finished", record.path("status").asText());
            assertEquals(3, record.path("dataset").path("tasks").asInt());
            assertEquals(2, record.path("dataset").path("files").size(), "both files of the dataset, each with its digest");
            assertEquals(List.of("Observation:"), JSON.convertValue(record.path("model").path("sampling").path("stop"), List.class));
            assertEquals(0.0, record.path("model").path("sampling").path("temperature").asDouble(-1));
            assertEquals("judge", record.path("judge").path("name").asText());
            assertEquals(300, record.path("judge").path("sampling").path("max_tokens").asInt());
            assertEquals(100.0, record.path("metrics").path("Vis-All").path("percent").asDouble(), record.toString());
            assertEquals("qwen", record.path("config").path("file_prefix").asText());

            List<TrajectoryEvent> events = Trajectories.read(run.resolve("trajectories.jsonl")).byTask().get("ci-1").events();
            TrajectoryEvent.JudgeCall call = events.stream().filter(TrajectoryEvent.JudgeCall.class::isInstance)
                    .map(TrajectoryEvent.JudgeCall.class::cast).findFirst().orElseThrow(() -> new AssertionError("no judge call in " + events));
            assertEquals("right", call.reply());
            assertEquals(List.of("artifacts/ci-1/fig-001.png"), call.images());

            Path grade = dir.resolve("grade");
            judge.then(Step.reply("right"));
            result = CommandRunner.run("grade", "code-interpreter", run.toString(), "--judge", "judge", "--judge-base-url", judge.baseUrl(),
                    "--backend", "docker", "--out", grade.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            JsonNode graded = assertValidRun(grade);
            assertEquals("grade", graded.path("kind").asText());
            assertEquals(record.path("metrics"), graded.path("metrics"), "re-scoring the run's own traces with the same verdicts agrees with it");
            assertEquals(2, Trajectories.read(grade.resolve("trajectories.jsonl")).byTask().get("ci-1").replies().size(),
                    "the re-grade carries the run's conversation over");

            // The run again with its recorded replies instead of the server: the same record, the same verdicts.
            Path replay = dir.resolve("replay");
            judge.then(Step.reply("right"));
            result = CommandRunner.run("run", "code-interpreter", "--data", data.toString(), "--gsm8k", gsm8k.toString(),
                    "--model", "replay:" + run.resolve("trajectories.jsonl"), "--judge", "judge", "--judge-base-url", judge.baseUrl(),
                    "--backend", "docker", "--out", replay.toString());
            assertEquals(0, result.exitCode(), result.out() + result.err());
            JsonNode replayed = assertValidRun(replay);
            assertEquals("replay:" + run.resolve("trajectories.jsonl"), replayed.path("model").path("name").asText());
            assertTrue(replayed.path("model").path("base_url").isNull(), "a replay has no server");
            assertEquals(record.path("metrics"), replayed.path("metrics"));
            assertEquals(5, model.received().size(), "the replay asked the server nothing");
        }
    }
}
