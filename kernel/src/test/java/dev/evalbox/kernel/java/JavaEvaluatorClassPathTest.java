package dev.evalbox.kernel.java;

import dev.evalbox.kernel.KernelSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What javac sees of the class path inside the kernel's JShell: the cells' class path only (as the cells'
 * class loader), and every change to it, although its index of the class path is now kept between compiles.
 */
class JavaEvaluatorClassPathTest {
    private static JavaEvaluator java;

    @BeforeAll
    static void start() {
        KernelSettings settings = KernelSettings.defaults();
        java = new JavaEvaluator(settings.cellClasspath(), settings.startup());
    }

    @AfterAll
    static void stop() {
        java.close();
        java = null;
    }

    @Test
    void everySpeedUpIsInPlaceInAJvmOpenedAsTheLauncherOpensIt() {
        assertEquals(List.of(), java.speedUpsUnavailable());
    }

    @Test
    void aClassOnlyTheKernelHasDoesNotCompileInACell() {
        // JeroMQ is on this JVM's class path (the kernel's transport) but not on the cells'. Before, javac
        // compiled against it and the cell failed at run time with NoClassDefFoundError.
        CellOutcome outcome = java.execute("org.zeromq.ZMQ.class");
        assertTrue(outcome.failed());
        assertEquals("CompilationException", outcome.error().ename(), outcome.error().traceback().toString());
        assertTrue(outcome.error().evalue().contains("org.zeromq"), outcome.error().evalue());
    }

    @Test
    void theCellsClassPathStillCompiles() {
        CellOutcome outcome = java.execute("SandboxSpec.class.getSimpleName()");
        assertNull(outcome.error(), () -> outcome.error().traceback().toString());
        assertEquals("SandboxSpec", outcome.value());
    }

    @Test
    void aDirectoryAddedAfterCellsRanIsSeenByTheNextCell(@TempDir Path dir) throws IOException {
        assertEquals(2, java.execute("1 + 1").value(), "cells compiled before the class path changes");
        CellOutcome before = java.execute("evalboxtest.Added.answer()");
        assertEquals("CompilationException", before.error().ename(), "not on the class path yet");

        Path source = dir.resolve("src/evalboxtest/Added.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, "package evalboxtest; public class Added { public static int answer() { return 42; } }");
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, "-d", classes.toString(), source.toString()));

        java.addToClasspath(classes.toString());
        CellOutcome after = java.execute("evalboxtest.Added.answer()");
        assertNull(after.error(), () -> after.error().traceback().toString());
        assertEquals(42, after.value());
    }

    @Test
    void completionWorksBeforeAndAfterCells() {
        // The completion index is held back until the first cell or completion: asking lets it go.
        assertTrue(java.complete("Strin", 5).matches().contains("String"), java.complete("Strin", 5).matches().toString());
        java.execute("int completionProbe = 1;");
        assertTrue(java.complete("completionPr", 12).matches().contains("completionProbe"));
    }
}
