package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The driver without IPython (plain Python), on the local backend. */
class PlainDriverTest {
    private static Sandbox sandbox;

    @BeforeAll
    static void start() {
        sandbox = new LocalSandboxProvider().open(SandboxSpec.python().driverMode(SandboxSpec.DriverMode.PLAIN).build());
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void reportsThePlainRunner() {
        assertEquals("python", sandbox.info().runner());
    }

    @Test
    void lastExpressionIsDisplayedAndStatePersists() {
        sandbox.execute("items = [1, 2, 3]");
        ExecutionResult result = sandbox.execute("items.append(4)\nlen(items)");
        assertEquals("4", result.result().orElseThrow().plainText().orElseThrow());
        assertEquals(1, result.outputs().size(), "only the value: " + result.outputs());
    }

    @Test
    void errorsHaveNameValueAndATracebackWithoutDriverFrames() {
        ExecutionResult result = sandbox.execute("{}['missing']");
        Output.Error error = result.error().orElseThrow();
        assertEquals("KeyError", error.ename());
        assertEquals("'missing'", error.evalue());
        assertTrue(error.traceback().stream().noneMatch(l -> l.contains("driver") || l.contains("<string>")), error.traceback().toString());
    }

    @Test
    void figuresComeBackAsPngDisplays() {
        Assumptions.assumeTrue(sandbox.execute("import matplotlib").ok(), "matplotlib is not installed for the local python3");
        ExecutionResult result = sandbox.execute("import matplotlib.pyplot as plt\nplt.plot([1, 2, 3])\nplt.title('t')", Duration.ofSeconds(60));
        assertEquals(ExecutionStatus.OK, result.status(), result.toString());
        assertEquals(1, result.images().size(), result.outputs().toString());
        byte[] png = result.images().get(0);
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        assertEquals(0, sandbox.execute("import matplotlib.pyplot as plt\nlen(plt.get_fignums())").result()
                .flatMap(Output.MimeBundle::plainText).map(Integer::parseInt).orElseThrow(), "figures are closed after being sent");
    }
}
