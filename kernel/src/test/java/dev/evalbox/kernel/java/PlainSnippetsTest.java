package dev.evalbox.kernel.java;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Snippets that declare nothing are compiled once and run without JShell; a notebook must not be able
 * to tell, except by speed. Each test runs the same cells through an evaluator that does that and one
 * that sends every snippet to JShell, and compares what each cell answered: its value, or its error
 * with the whole traceback (snippet numbers and lines included).
 */
class PlainSnippetsTest {
    private static final List<String> STARTUP = List.of("import java.util.*;", "import java.util.stream.*;");

    /** A notebook's worth of cells: values, void calls, statements, errors, and the declarations JShell keeps. */
    private static final List<String> CELLS = List.of(
            "int x = 5;",
            "x + 1",
            "x = 7",
            "x",
            "System.out.print(\"\")",
            "for (int i = 0; i < 3; i++) { x += i; }",
            "x++",
            "List.of(1, 2, 3).stream().map(v -> v * x).collect(Collectors.toList())",
            "1 / 0",
            "int boom(int n) { return 10 / n; }",
            "boom(0)",
            "throw new IllegalStateException(\"no\")",
            "if (x > 0) throw new IllegalArgumentException(\"x is \" + x);",
            "(String) null",
            "'a'",
            "new Object() { public String toString() { return \"anon\"; } }",
            "var anon = new Object() { int z = 3; };",
            "anon.z",
            "int f() { return g(); }",
            "f()",
            "int g() { return 4; }",
            "f()",
            "undefinedName + 1",
            "System.out.println(undefinedName)",
            "1); } static int sneaky() { return (2",
            "String s = \"ab\";\ns.length()",
            "s.repeat(2);",
            "Math.max(3,\n    4)",
            "List<String> names = new ArrayList<>();",
            "names.add(\"q\")",
            "names");

    @Test
    void cellsThatDeclareNothingAnswerAsJShellDoes() {
        try (JavaEvaluator plain = new JavaEvaluator(List.of(), STARTUP);
             JavaEvaluator jshellOnly = JavaEvaluator.withoutPlainSnippets(List.of(), STARTUP)) {
            for (String cell : CELLS) {
                assertSameOutcome(cell, jshellOnly.execute(cell), plain.execute(cell));
            }
            assertEquals(0, jshellOnly.plainSnippetsRun());
            assertTrue(plain.plainSnippetsRun() >= 15, "snippets run without JShell: " + plain.plainSnippetsRun());
        }
    }

    @Test
    void aSnippetThatCouldEscapeItsWrapperGoesToJShell() {
        try (JavaEvaluator java = new JavaEvaluator(List.of(), STARTUP)) {
            int before = java.plainSnippetsRun();
            CellOutcome outcome = java.execute("1); } static int sneaky() { return (2");
            assertEquals("CompilationException", outcome.error() == null ? null : outcome.error().ename());
            assertEquals(before, java.plainSnippetsRun(), "the snippet was not run as a plain one");
            assertEquals("CompilationException", java.execute("sneaky()").error().ename(), "nothing was declared");
        }
    }

    @Test
    void aCellRunsBeforeJShellIsBuiltAndAnythingElseWaitsForIt() throws Exception {
        List<String> cells = List.of("6 * 7", "int y = 2;", "y * 21", "1 / 0");
        List<CellOutcome> expected = new ArrayList<>();
        try (JavaEvaluator built = JavaEvaluator.withoutPlainSnippets(List.of(), STARTUP)) {
            cells.forEach(cell -> expected.add(built.execute(cell)));
        }
        try (JavaEvaluator java = JavaEvaluator.withShellLater(List.of(), STARTUP)) {
            assertSameOutcome(cells.get(0), expected.get(0), java.execute(cells.get(0)));
            assertFalse(java.shellBuilt(), "the first cell needed no JShell");

            CompletableFuture<CellOutcome> declaring = CompletableFuture.supplyAsync(() -> java.execute(cells.get(1)));
            Thread.sleep(300);
            assertFalse(declaring.isDone(), "a declaration waits for JShell");
            java.buildShell();
            assertSameOutcome(cells.get(1), expected.get(1), declaring.get(60, TimeUnit.SECONDS));
            for (int i = 2; i < cells.size(); i++) {
                assertSameOutcome(cells.get(i), expected.get(i), java.execute(cells.get(i)));
            }
        }
    }

    @Test
    void jshellBuiltWhileTheFirstSnippetWarmsUpKeepsItsStartupImports() throws Exception {
        try (JavaEvaluator java = JavaEvaluator.withShellLater(List.of(), STARTUP)) {
            Thread build = new Thread(java::buildShell, "build");
            build.start();
            assertEquals(2, java.warmUpBeforeShell("1 + 1"));
            build.join(TimeUnit.MINUTES.toMillis(2));
            CellOutcome outcome = java.execute("List<Integer> xs = List.of(1, 2);\nxs.stream().map(x -> x + 1).collect(Collectors.toList())");
            assertNull(outcome.error(), String.valueOf(outcome.error()));
            assertEquals(List.of(2, 3), outcome.value());
        }
    }

    @Test
    void aLongSessionOfPlainCellsStillSeesEveryDeclaration() {
        try (JavaEvaluator java = new JavaEvaluator(List.of(), STARTUP)) {
            java.execute("int k = 10;");
            for (int i = 0; i < 600; i++) { // past the compiler's periodic clean-up of JShell's package, twice
                assertEquals(i + 10, java.execute(i + " + k").value());
                if (i == 300) {
                    assertNull(java.execute("int later = 3;").error());
                }
            }
            assertEquals(6, java.execute("later * 2").value());
            assertTrue(java.plainSnippetsRun() >= 601, "snippets run without JShell: " + java.plainSnippetsRun());
        }
    }

    private static void assertSameOutcome(String cell, CellOutcome expected, CellOutcome actual) {
        assertEquals(expected.hasValue(), actual.hasValue(), cell);
        assertEquals(String.valueOf(expected.value()), String.valueOf(actual.value()), cell);
        assertEquals(expected.failed(), actual.failed(), cell + ": " + actual.error());
        if (expected.failed()) {
            assertEquals(expected.error().ename(), actual.error().ename(), cell);
            assertEquals(expected.error().evalue(), actual.error().evalue(), cell);
            assertEquals(expected.error().traceback(), actual.error().traceback(), cell);
        }
    }
}
