package dev.evalbox.kernel.java;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class JavaEvaluatorTest {
    private static JavaEvaluator java;

    @BeforeAll
    static void start() {
        java = new JavaEvaluator(List.of(), List.of("import java.util.*;"));
    }

    @AfterAll
    static void stop() {
        java.close();
        java = null; // the cells' classes and values go with it, before the next test class runs in this JVM
    }

    @Test
    void lastExpressionIsTheCellsValueAsAnObject() {
        CellOutcome outcome = java.execute("int a = 6;\nint b = 7;\nList.of(a, b, a * b)");
        assertNull(outcome.error());
        assertTrue(outcome.hasValue());
        assertEquals(List.of(6, 7, 42), outcome.value());
        assertEquals(42, java.execute("a * b").value());
    }

    @Test
    void statementsAndDeclarationsHaveNoValue() {
        assertFalse(java.execute("int unused = 3;").hasValue());
        assertFalse(java.execute("System.out.print(\"\");").hasValue());
        assertFalse(java.execute("void hello() { }").hasValue());
    }

    @Test
    void runtimeExceptionsNameTheirClassAndKeepTheCellsFrames() {
        CellOutcome outcome = java.execute("int boom(int n) { return 10 / n; }\nboom(0)");
        assertTrue(outcome.failed());
        assertEquals("java.lang.ArithmeticException", outcome.error().ename());
        assertEquals("/ by zero", outcome.error().evalue());
        assertTrue(outcome.error().traceback().get(0).contains("ArithmeticException: / by zero"));
        assertTrue(outcome.error().traceback().stream().anyMatch(l -> l.contains("boom")), outcome.error().traceback().toString());
        assertTrue(outcome.error().traceback().stream().noneMatch(l -> l.contains("jdk.internal.reflect")));
    }

    @Test
    void compileErrorsPointAtTheLine() {
        CellOutcome outcome = java.execute("int ok = 1;\nString s = 42;");
        assertEquals("CompilationException", outcome.error().ename());
        assertTrue(outcome.error().evalue().contains("incompatible types"), outcome.error().evalue());
        assertTrue(outcome.error().traceback().stream().anyMatch(l -> l.startsWith("line 2:")), outcome.error().traceback().toString());
    }

    @Test
    void aCellAfterAFailureStopsAtTheFailure() {
        CellOutcome outcome = java.execute("int before = 1;\nthrow new IllegalStateException(\"stop here\");\nint after = 2;");
        assertEquals("java.lang.IllegalStateException", outcome.error().ename());
        assertTrue(java.execute("after").failed());
        assertEquals(1, java.execute("before").value());
    }

    @Test
    void stopEndsAnEndlessLoop() throws Exception {
        // The cell runs in this JVM: it tells the test it has started through a latch left in the system
        // properties (a Hashtable any class loader reaches), so stop() comes while the loop runs.
        CountDownLatch started = new CountDownLatch(1);
        System.getProperties().put(STARTED, started);
        try {
            CompletableFuture<CellOutcome> running = CompletableFuture.supplyAsync(() -> java.execute(
                    "((java.util.concurrent.CountDownLatch) System.getProperties().get(\"" + STARTED + "\")).countDown();\n"
                            + "while (true) { }"));
            assertTrue(started.await(60, TimeUnit.SECONDS), "the cell did not start");
            java.stop();
            CellOutcome outcome = running.get(60, TimeUnit.SECONDS);
            assertEquals("Interrupted", outcome.error().ename());
            assertEquals(2, java.execute("1 + 1").value());
        } finally {
            System.getProperties().remove(STARTED);
        }
    }

    private static final String STARTED = "evalbox.test.cell-started";

    @Test
    void completionReplacesThePartialName() {
        Completion completion = java.complete("int x = Math.ma", 15);
        assertTrue(completion.matches().contains("max("), completion.matches().toString());
        assertEquals(13, completion.start());
        assertEquals(15, completion.end());
    }

    @Test
    void completionCountsCodePoints() {
        String code = "var s = \"\uD83D\uDE00\".toUpperC";
        int cursor = code.codePointCount(0, code.length());
        Completion completion = java.complete(code, cursor);
        assertTrue(completion.matches().contains("toUpperCase("), completion.matches().toString());
        assertEquals(cursor - "toUpperC".length(), completion.start());
    }

    @Test
    void inspectGivesSignatures() {
        List<String> docs = java.inspect("Math.max", 8);
        assertFalse(docs.isEmpty());
        assertTrue(docs.get(0).contains("max("), docs.toString());
    }

    @Test
    void isCompleteFollowsJShellsAnalysis() {
        assertEquals("complete", java.isComplete("int x = 1;").status());
        assertEquals("complete", java.isComplete("1 + 1").status());
        assertEquals("incomplete", java.isComplete("for (int i = 0; i < 3; i++) {").status());
        assertEquals("        ", java.isComplete("void f() {\n if (true) {").indent());
        assertEquals("incomplete", java.isComplete("1 +").status());
        assertEquals("invalid", java.isComplete("int x = 1;\n)").status());
    }

    @Test
    void memoryExhaustionAndDeepRecursionAreCellErrorsAndTheEngineGoesOn() {
        // A block, so the filled list is garbage once the error has passed (a cell variable would keep it, as in Python).
        CellOutcome oom = java.execute("{\n    List<long[]> hog = new ArrayList<>();\n    while (true) { hog.add(new long[10_000_000]); }\n}");
        assertEquals("java.lang.OutOfMemoryError", oom.error().ename());
        CellOutcome deep = java.execute("int down(int n) { return down(n + 1) + 1; }\ndown(0)");
        assertEquals("java.lang.StackOverflowError", deep.error().ename());
        assertTrue(deep.error().traceback().size() < 50, "the traceback is cut, not thousands of frames long");
        assertEquals(3, java.execute("1 + 2").value());
    }
}
