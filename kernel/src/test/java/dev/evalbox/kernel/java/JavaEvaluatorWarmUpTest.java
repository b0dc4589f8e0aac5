package dev.evalbox.kernel.java;

import dev.evalbox.kernel.KernelSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The warm-up leaves no trace a cell could see, and letting go of finished snippets' class files
 * keeps JShell's held classes from growing with every cell while declarations keep working.
 */
class JavaEvaluatorWarmUpTest {
    private static final List<String> STARTUP = List.of("import java.util.*;");

    /** Cells whose outcomes (values, errors, tracebacks with their snippet numbers) must not depend on the warm-up. */
    private static final List<String> CELLS = List.of(
            "int boom(int n) { return 10 / n; }\nboom(0)",
            "Integer.parseInt(\"not a number\")",
            "String s = 42;",
            "evalboxWarmUp(1)",
            "evalboxWarmUpList",
            "int x = 20;\nx + 1",
            "new ArrayList<>(List.of(x, x * 2))",
            "throw new IllegalStateException(\"from a statement\");");

    @Test
    void aWarmedUpEngineAnswersEveryCellAsAColdOne() {
        try (JavaEvaluator cold = new JavaEvaluator(List.of(), STARTUP);
             JavaEvaluator warm = new JavaEvaluator(List.of(), STARTUP)) {
            Object warmValue = warm.warmUp(KernelSettings.DEFAULT_WARM_UP, () -> true);
            assertEquals(List.of("11", "22", "33"), warmValue, "the warm-up ran its snippets");
            for (String cell : CELLS) {
                CellOutcome expected = cold.execute(cell);
                CellOutcome actual = warm.execute(cell);
                assertEquals(expected.failed(), actual.failed(), cell);
                assertEquals(expected.hasValue(), actual.hasValue(), cell);
                assertEquals(expected.value(), actual.value(), cell);
                if (expected.failed()) {
                    assertEquals(expected.error().ename(), actual.error().ename(), cell);
                    assertEquals(expected.error().evalue(), actual.error().evalue(), cell);
                    assertEquals(expected.error().traceback(), actual.error().traceback(), cell);
                }
            }
            // The frames name the cell's snippet by number: the warm-up's snippets did not shift them.
            CellOutcome failure = warm.execute("int boom2(int n) { return 10 / n; }\nboom2(0)");
            assertTrue(failure.error().traceback().stream().anyMatch(line -> line.matches(".*\\(#\\d+:\\d+\\).*")),
                    failure.error().traceback().toString());
        }
    }

    @Test
    void aStopEndsTheWarmUpAndTheEngineStillWorks() throws Exception {
        try (JavaEvaluator java = new JavaEvaluator(List.of(), STARTUP)) {
            CountDownLatch entered = new CountDownLatch(1);
            System.getProperties().put("evalbox.test.warmUpEntered", entered);
            Thread warming = new Thread(() -> java.warmUp(List.of(
                    "((java.util.concurrent.CountDownLatch) System.getProperties().get(\"evalbox.test.warmUpEntered\")).countDown();"
                            + " new java.util.concurrent.CountDownLatch(1).await();",
                    "int neverDeclared = 1;"), () -> true));
            warming.start();
            assertTrue(entered.await(120, TimeUnit.SECONDS), "the warm-up's first snippet never ran");
            java.stop();
            warming.join(120_000);
            assertFalse(warming.isAlive(), "the warm-up did not end when stopped");
            assertEquals(5, java.execute("2 + 3").value());
            assertTrue(java.execute("neverDeclared").failed(), "a stop between snippets must not leave the rest running");
        } finally {
            System.getProperties().remove("evalbox.test.warmUpEntered");
        }
    }

    @Test
    void classFilesOfFinishedSnippetsAreLetGoAndDeclarationsKeepWorking() {
        try (JavaEvaluator java = new JavaEvaluator(List.of(), STARTUP)) {
            assertNull(java.pruningUnavailable(), "the test JVM opens jdk.jshell as the launcher does");
            assertFalse(java.execute("int base = 40;\nint plus(int n) { return base + n; }\nclass Box { int v = 2; }").failed());
            java.execute("plus(1)");
            int held = java.retainedClassFiles();
            for (int i = 0; i < 30; i++) {
                assertEquals(42, java.execute("plus(new Box().v)").value());
                assertFalse(java.execute("System.out.print(\"\");").failed());
                assertEquals((long) i, java.execute("java.util.stream.IntStream.range(0, " + i + ").map(n -> n + 1).count()").value(),
                        "a cell with a lambda (a nested class of its snippet)");
                assertTrue(java.execute("Integer.parseInt(\"x" + i + "\")").failed());
            }
            assertEquals(held, java.retainedClassFiles(), "expressions and statements must leave no class file behind");
            assertEquals(43, java.execute("base = 41;\nplus(new Box().v)").value(), "declarations still compile against");
        }
    }
}
