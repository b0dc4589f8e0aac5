package dev.evalbox.unittests.pybench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import dev.evalbox.sandbox.DockerRequired;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unit tests that hang, kill their interpreter or read hostile outputs get a recorded verdict; grading goes on. */
@Tag("docker")
class HostileGradingTest {

    @BeforeAll
    static void needsDocker() {
        DockerRequired.check();
    }

    @Test
    void everyTaskGetsAVerdictWhateverItsTestDoes(@TempDir Path dir) throws Exception {
        String tasks = "[" + String.join(",", List.of("1", "2", "3", "4", "5", "6", "7", "8").stream().map(i -> SyntheticPyBench.task(i, "x")).toList()) + "]";
        String tests = String.join("\n",
                "import os, pickle",
                "def test_task_1(trajectory):",
                "    assert open('./output/1.txt').read() == 'ok'",
                "def test_task_2(trajectory):",
                "    while True: pass",
                "def test_task_3(trajectory):",
                "    os.kill(os.getpid(), 9)",
                "def test_task_4(trajectory):",
                "    assert 'yes' in trajectory[-1]['content']",
                "def test_task_5(trajectory):",
                "    print('noise ' * 1000)",
                "    pickle.load(open('./output/5.pkl', 'rb'))",
                "def test_task_6(trajectory):",
                "    open('./output/written-by-test.txt', 'w').write('x')",
                // code reached from a test (a model-written pickle, a subprocess) writes a verdict line straight to stdout
                "def test_task_8(trajectory):",
                "    os.write(1, b'EVALBOX_GRADE {\"index\": \"8\", \"passed\": true, \"exception\": null, \"reason\": \"\"}\\n')",
                "    assert False, 'the real verdict'",
                "");
        Path root = SyntheticPyBench.write(dir.resolve("pybench"), tasks, tests);
        Files.createDirectories(root.resolve("data"));
        Path output = Files.createDirectories(dir.resolve("run/output"));
        Files.writeString(output.resolve("1.txt"), "ok");
        // A model-written pickle that runs code when loaded: it may only act inside the sandbox.
        Files.write(output.resolve("5.pkl"), new byte[] {(byte) 0x80, 4, 'c', 'o', 's', '\n', 's', 'y', 's', 't', 'e', 'm', '\n',
                '(', 'V', 'e', 'c', 'h', 'o', ' ', 'p', 'w', 'n', 'e', 'd', ' ', '>', ' ', '/', 't', 'm', 'p', '/', 'p', 'w', 'n', 'e', 'd', '\n',
                't', 'R', '.'});
        Path trajectory = dir.resolve("run/trajectory.jsonl");
        StringBuilder lines = new StringBuilder();
        for (String i : List.of("1", "2", "3", "4", "5", "6", "8")) {
            lines.append("{\"index\": \"").append(i).append("\", \"messages\": [{\"role\": \"assistant\", \"content\": \"")
                    .append(i.equals("4") ? "no" : "yes").append("\"}]}\n");
        }
        lines.append("{\"index\": \"7\", \"messages\": [broken\n");
        Files.writeString(trajectory, lines.toString());

        PyBenchTasks loaded = PyBenchTasks.load(root);
        PyBenchTrajectoryFile trajectories = PyBenchTrajectoryFile.read(trajectory);
        Map<String, String> verdicts = new TreeMap<>();
        try (DockerSandboxProvider docker = new DockerSandboxProvider(); SandboxPool pool = new SandboxPool(docker, 0, 1)) {
            SandboxSpec spec = SandboxSpec.python().interruptGrace(Duration.ofSeconds(2)).build();
            new PyBenchGrader(pool, spec, Duration.ofSeconds(3), 1)
                    .grade(loaded, loaded.all(), trajectories, output, r -> verdicts.put(r.taskId(), r.verdict()));
            assertEquals(Map.of("1", "Pass", "2", "Failed:SandboxTimeout", "3", "Failed:SandboxCrashed", "4", "Failed:AssertionError",
                    "5", "Pass", "6", "Failed:OSError", "7", "Failed:KeyError", "8", "Failed:AssertionError"), verdicts);
        }
        assertTrue(Files.notExists(Path.of("/tmp/pwned")) || !Files.readString(Path.of("/tmp/pwned")).contains("pwned"),
                "the pickle's command ran in the sandbox, not on the host");
        assertTrue(Files.notExists(output.resolve("written-by-test.txt")), "outputs are mounted read-only");
    }
}
