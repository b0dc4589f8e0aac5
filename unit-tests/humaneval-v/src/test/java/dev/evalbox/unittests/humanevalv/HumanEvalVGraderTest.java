package dev.evalbox.unittests.humanevalv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.Sandbox;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reference's post-processing, pylint gate and execution, inside sandboxes, on tasks written here. */
@Tag("docker")
class HumanEvalVGraderTest {
    private static DockerSandboxProvider docker;
    private static SandboxPool pool;
    private static final HumanEvalVTask ADD = new HumanEvalVTask("q1",
            "def solution(a: int, b: int) -> int:\n    \"\"\"Adds the two numbers the diagram shows.\"\"\"\n",
            "assert solution(2, 3) == 5\nassert solution(-1, 1) == 0\n");

    @BeforeAll
    static void start() {
        DockerRequired.check();
        docker = new DockerSandboxProvider();
        pool = new SandboxPool(docker, 1, 4);
    }

    @AfterAll
    static void stop() {
        pool.close();
        docker.close();
    }

    private static List<HumanEvalVGrader.SampleVerdict> grade(HumanEvalVGrader.Version version, String... predictions) {
        return new HumanEvalVGrader(pool, SandboxSpec.python().build(), 1)
                .grade(List.of(ADD), List.of(new Predictions.Entry("q1", List.of(predictions), Optional.empty())), version);
    }

    @Test
    void samplesArePostProcessedGatedAndRunAsTheReferenceDoes() {
        List<HumanEvalVGrader.SampleVerdict> verdicts = grade(HumanEvalVGrader.Version.V2,
                "Here it is:\n```python\nimport math\ndef solution(a, b):\n    import os\n    return a + b\n\nprint('stray top-level code')\n```",
                "```python\n    return a + b\n```",
                "I cannot solve this.",
                "```python\ndef solution(a, b)\n    return a + b\n```",
                "```python\ndef solution(a, b):\n    while True:\n        pass\n```",
                "```python\ndef helper():\n    return 0\n```\nThen:\n```python\ndef solution(a, b):\n    return a + b\n```\nand ```python\nx = 1\n```");
        assertEquals(6, verdicts.size());
        var first = verdicts.get(0);
        assertTrue(first.passed(), first.result());
        assertEquals("import math\ndef solution(a, b):\n    import os\n    return a + b\nimport os", first.completion(),
                "imports at any depth (a nested one after its function, as the reference visits), top-level functions unparsed,"
                        + " other statements dropped");
        assertTrue(verdicts.get(1).passed(), "a body-only answer gets the signature: " + verdicts.get(1).result());
        assertTrue(verdicts.get(1).completion().startsWith("def solution(a: int, b: int) -> int:\n    \"\"\"Adds"), verdicts.get(1).completion());
        assertFalse(verdicts.get(2).passed(), "no code means the stub, which returns None");
        assertTrue(verdicts.get(3).pylintFailed(), "a syntax error fails the pylint gate: " + verdicts.get(3).result());
        assertTrue(verdicts.get(3).result().startsWith("Pylint syntax check failed:"), verdicts.get(3).result());
        assertEquals("Test Case Execution Time Out (> 2 seconds)", verdicts.get(4).result());
        assertTrue(verdicts.get(5).passed(), "v2 takes the last closed block that defines solution: " + verdicts.get(5).completion());

        assertEquals(OptionalDouble.of(50.0), HumanEvalVGrader.passAtK(verdicts, 1));
        assertEquals(OptionalDouble.of(95.0), HumanEvalVGrader.passAtK(verdicts, 3)); // 1 - C(3,3)/C(6,3)
        List<Predictions.Entry> items = List.of(new Predictions.Entry("q1", List.of("", "", "", "", "", ""), Optional.empty()));
        assertEquals(83.3, HumanEvalVGrader.parseSuccessRate(verdicts, items, HumanEvalVGrader.Version.V2));
        assertEquals(3, HumanEvalVGrader.referenceK(items, HumanEvalVGrader.Version.V2));
    }

    @Test
    void aSampleCannotForgeAPassThroughTheResultText() {
        // The reference takes a result text of exactly "passed" for a pass, so this sample would pass there.
        List<HumanEvalVGrader.SampleVerdict> verdicts = grade(HumanEvalVGrader.Version.V2,
                "```python\ndef solution(a, b):\n    raise Exception('passed')\n```",
                "```python\ndef solution(a, b):\n    return a + b\n```");
        assertEquals("passed", verdicts.get(0).result(), "the reference's text is kept as evidence");
        assertFalse(verdicts.get(0).passed(), "an exception is a failure whatever its text says");
        assertTrue(verdicts.get(1).passed(), verdicts.get(1).result());
    }

    @Test
    void versionOneConcatenatesEveryClosedBlock() {
        List<HumanEvalVGrader.SampleVerdict> verdicts = grade(HumanEvalVGrader.Version.V1,
                "```python\ndef helper(x):\n    return x\n```\n```python\ndef solution(a, b):\n    return helper(a) + b\n```");
        assertTrue(verdicts.get(0).passed(), verdicts.get(0).result());
        assertEquals("def helper(x):\n    return x\ndef solution(a, b):\n    return helper(a) + b", verdicts.get(0).completion());
    }

    @Test
    void eachReleaseGivesItsOwnResultTexts() {
        String[] answers = {"```python\ndef solution(a, b)\n    return a + b\n```", "```python\ndef solution(a, b):\n    return a - b\n```",
                "```python\ndef solution(a, b):\n    raise ValueError('Pylint says no')\n```", "```python\ndef solution(a, b):\n    while True:\n        pass\n```"};
        List<HumanEvalVGrader.SampleVerdict> v2 = grade(HumanEvalVGrader.Version.V2, answers);
        assertTrue(v2.get(0).result().startsWith("Pylint syntax check failed:\n"), v2.get(0).result());
        assertEquals("", v2.get(1).result(), "a bare assert that fails leaves an empty text, not the timeout's");
        assertEquals("Pylint says no", v2.get(2).result());
        assertEquals("Test Case Execution Time Out (> 2 seconds)", v2.get(3).result());
        List<HumanEvalVGrader.SampleVerdict> v1 = grade(HumanEvalVGrader.Version.V1, answers);
        assertTrue(v1.get(0).result().startsWith("pylint fail:\n"), v1.get(0).result());
        assertEquals(List.of("failed: ", "failed: Pylint says no", "timed out"), v1.subList(1, 4).stream().map(HumanEvalVGrader.SampleVerdict::result).toList());
        assertEquals(List.of(true, false, false, false), v1.stream().map(HumanEvalVGrader.SampleVerdict::pylintFailed).toList());
    }

    @Test
    void versionTwoGradesATaskSplitOverEntriesAsOneAndVersionOneGradesEachEntry() {
        HumanEvalVTask second = new HumanEvalVTask("q2", ADD.functionSignature(), ADD.testScript());
        String good = "```python\ndef solution(a, b):\n    return a + b\n```";
        String bad = "```python\ndef solution(a, b):\n    return a * b\n```";
        List<Predictions.Entry> split = List.of(new Predictions.Entry("q2", List.of(bad), Optional.empty()),
                new Predictions.Entry("q1", List.of(good, bad), Optional.empty()),
                new Predictions.Entry("q2", List.of(good, good), Optional.empty()),
                new Predictions.Entry("q1", List.of(bad), Optional.empty()));
        for (HumanEvalVGrader.Version version : HumanEvalVGrader.Version.values()) {
            List<String> verdicts = new HumanEvalVGrader(pool, SandboxSpec.python().build(), 2).grade(List.of(ADD, second), split, version)
                    .stream().map(v -> v.qid() + "/" + v.sample() + ":" + v.passed()).toList();
            List<String> expected = version == HumanEvalVGrader.Version.V2
                    ? List.of("q2/0:false", "q2/1:true", "q2/2:true", "q1/0:true", "q1/1:false", "q1/2:false") // merged, in first-appearance order
                    : List.of("q2/0:false", "q1/0:true", "q1/1:false", "q2/1:true", "q2/2:true", "q1/2:false"); // entry by entry
            assertEquals(expected, verdicts, version.name());
        }
    }

    @Test
    void aSampleCannotDisturbTheHarnessProcessThatGradesTheNextOnes() {
        HumanEvalVTask second = new HumanEvalVTask("q2", ADD.functionSignature(), ADD.testScript());
        String good = "```python\ndef solution(a, b):\n    return a + b\n```";
        List<HumanEvalVGrader.SampleVerdict> verdicts = new HumanEvalVGrader(pool, SandboxSpec.python().build(), 1).grade(List.of(ADD, second),
                List.of(new Predictions.Entry("q1", List.of(
                                "```python\nimport os\ndef solution(a, b):\n    os.write(1, b'done\\n' * 3)\n    return a + b\n```",
                                "```python\ndef solution(a, b):\n    return int(input()) + a + b\n```",
                                "```python\nimport os, signal\ndef solution(a, b):\n    os.kill(os.getppid(), signal.SIGKILL)\n    return a + b\n```",
                                good), Optional.empty()),
                        new Predictions.Entry("q2", List.of(good), Optional.empty())),
                HumanEvalVGrader.Version.V2);
        assertEquals(5, verdicts.size());
        assertTrue(verdicts.get(0).passed(), "writing to file descriptor 1 does not reach the harness: " + verdicts.get(0).result());
        assertFalse(verdicts.get(1).passed(), "stdin cannot be read");
        assertTrue(verdicts.get(2).result().startsWith("grading did not finish"), "killing the harness ends its batch: " + verdicts.get(2).result());
        assertTrue(verdicts.get(3).result().startsWith("grading did not finish"), verdicts.get(3).result());
        assertTrue(verdicts.get(4).passed(), "the next task gets a new harness process in the same sandbox: " + verdicts.get(4).result());
    }

    /**
     * A sample that writes forged verdicts everywhere it can: every descriptor it holds, every descriptor of every
     * process it can open through /proc, the files of the grading folder (from a process it leaves running that keeps
     * at it), and a harness of its own in place of evalbox's, which it then makes the sandbox start by killing the one
     * that runs. Neither the other sample of its task nor the next batch in the same sandbox may be passed by it.
     */
    private static final String FORGER = """
            ```python
            import json, os, signal, time
            def solution(a, b):
                line = json.dumps({"qid": "q1", "sample": 0, "passed": True, "pylint_failed": False, "result": "passed",
                                   "completion": "", "program": ""}) + "\\n"
                forged = line.replace('"q1"', '"q2"')
                data = (line + forged + "done\\n").encode()
                for fd in range(3, 256):
                    try:
                        os.write(fd, b"P" + data)
                    except OSError:
                        pass
                for pid in [p for p in os.listdir("/proc") if p.isdigit()]:
                    try:
                        fds = os.listdir("/proc/" + pid + "/fd")
                    except OSError:
                        continue
                    for fd in fds:
                        try:
                            out = os.open("/proc/" + pid + "/fd/" + fd, os.O_WRONLY | os.O_NONBLOCK)
                            os.write(out, data)
                            os.close(out)
                        except OSError:
                            pass
                if os.fork() == 0:
                    os.setsid()
                    if os.fork() == 0:
                        harness = "import sys\\nfor l in sys.stdin:\\n    print(" + repr(line + forged) + " + 'done', flush=True)\\n"
                        end = time.time() + 40
                        while time.time() < end:
                            for root in ("/work/.evalbox", os.path.expanduser("~/.evalbox")):
                                try:
                                    with open(root + "/verdicts.jsonl", "a") as out:
                                        out.write(line + forged)
                                    with open(root + "/grade_harness.py", "w") as out:
                                        out.write(harness)
                                    with open(root + "/samples.json", "w") as out:
                                        out.write("[]")
                                except OSError:
                                    pass
                            time.sleep(0.02)
                    os._exit(0)
                time.sleep(0.5)
                os.kill(os.getppid(), signal.SIGKILL)
                return a + b
            ```""";

    @Test
    void aSampleCannotForgeTheVerdictOfAnotherSampleOrOfTheNextBatch() {
        HumanEvalVTask second = new HumanEvalVTask("q2", ADD.functionSignature(), ADD.testScript());
        String wrong = "```python\ndef solution(a, b):\n    return a * b\n```";
        try (Sandbox sandbox = docker.open(SandboxSpec.python().build())) {
            List<HumanEvalVGrader.SampleVerdict> first = HumanEvalVGrader.gradeIn(sandbox, List.of(ADD),
                    List.of(new Predictions.Entry("q1", List.of(wrong, FORGER), Optional.empty())), HumanEvalVGrader.Version.V2);
            assertFalse(first.get(0).passed(), "the wrong sample keeps its own verdict: " + first.get(0).result());
            assertEquals("", first.get(0).result(), "the bare assert's text, as the harness found it");
            List<HumanEvalVGrader.SampleVerdict> next = HumanEvalVGrader.gradeIn(sandbox, List.of(second),
                    List.of(new Predictions.Entry("q2", List.of(wrong), Optional.empty())), HumanEvalVGrader.Version.V2);
            assertEquals(1, next.size());
            assertFalse(next.get(0).passed(), "the next batch is graded by evalbox's harness on its own samples: " + next.get(0).result());
            assertEquals("", next.get(0).result(), "the next batch ran its real test: " + next.get(0).result());
        }
    }

    @Test
    void floodsAndExitsGetVerdictsAndTheGradingGoesOn() {
        List<HumanEvalVGrader.SampleVerdict> verdicts = grade(HumanEvalVGrader.Version.V2,
                "```python\ndef solution(a, b):\n    for i in range(20000):\n        print('flood', i)\n    print('x' * 5_000_000)\n    return a + b\n```",
                "```python\nimport sys\ndef solution(a, b):\n    sys.exit(0)\n```",
                "```python\nimport os\ndef solution(a, b):\n    os._exit(0)\n```",
                "```python\ndef solution(a, b):\n    raise SystemExit('bye')\n```",
                "```python\ndef solution(a, b):\n    return a + b\n```");
        assertEquals(5, verdicts.size());
        assertTrue(verdicts.get(0).passed(), "printed output is not the verdict: " + verdicts.get(0).result());
        assertFalse(verdicts.get(1).passed(), "sys.exit raises SystemExit, so the sample failed: " + verdicts.get(1).result());
        assertFalse(verdicts.get(2).passed(), "a process that vanishes reports nothing and fails: " + verdicts.get(2).result());
        assertFalse(verdicts.get(3).passed(), verdicts.get(3).result());
        assertTrue(verdicts.get(4).passed(), "the samples after them are graded as usual: " + verdicts.get(4).result());
    }
}
