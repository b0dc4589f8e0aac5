package dev.evalbox.kernel;

import dev.evalbox.kernel.java.JavaEvaluator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MagicCellsTest {
    @Test
    void longTextBecomesAJavaExpressionWithExactlyThatText() {
        String text = "a\"b\\c\n\t\u0001 " + "\uD83D\uDE00x".repeat(9000) + " end";
        try (JavaEvaluator java = new JavaEvaluator(List.of(), List.of())) {
            assertEquals(text, java.execute(MagicCells.literal(text)).value());
        }
    }
}
