package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The GSM8K extraction, quirks included, checked against values the benchmark's own code gives. */
class Gsm8kAnswersTest {

    private static String answer(String text) {
        return Gsm8kAnswers.extract(text).map(BigDecimal::toPlainString).orElse(Gsm8kAnswers.INVALID);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            The answer is 42.|42
            total: 1,234,567 apples|1
            costs $1,234|1
            It is 3.50 dollars|3
            so x = -5 degrees|-5
            set {7}|7
            value 5 , done|[invalid]
            42|[invalid]
            pay 0.5 now|0.5
            pay .5 now|0.5
            is 007 ok|[invalid]
            got +3 points|3
            2 + 2 = 4.|4
            price: $18.|18
            the result is 12 and then 13|13
            nothing here|[invalid]
            x -. y|[invalid]
            #### 72|72
            about 1e5 cells|[invalid]
            deg 45%|[invalid]
            """)
    void extractsAsTheBenchmarkDoes(String text, String expected) {
        assertEquals(expected, answer(text));
    }

    @Test
    void aNumberThatStartsALineIsNotFoundBecauseNewlinesBecomeALiteralBackslashN() {
        assertEquals(Gsm8kAnswers.INVALID, answer("Answer:\n42"));
        assertEquals("72", answer("Natalia sold 48/2 = 24 clips.\n#### 72"));
    }

    @Test
    void correctnessIsNumericAgainstTheGoldAfterTheHashes() {
        String gold = "Natalia sold 48/2 = <<48/2=24>>24 clips in May.\nNatalia sold 48+24 = <<48+24=72>>72 clips.\n#### 72";
        assertTrue(Gsm8kAnswers.isCorrect("So she sold 72.0 clips", gold));
        assertFalse(Gsm8kAnswers.isCorrect("So she sold 24 clips in May and then 70", gold));
        assertFalse(Gsm8kAnswers.isCorrect("no idea", gold));
        assertThrows(IllegalArgumentException.class, () -> Gsm8kAnswers.isCorrect("72", "no number"));
    }

    /** The port against the original regex and steps, run by Python itself, on generated text. */
    @Test
    void agreesWithThePythonOriginalOnGeneratedText(@TempDir Path dir) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        Assumptions.assumeTrue(Files.isExecutable(python), "no /usr/bin/python3 to run the original against");
        Random random = new Random(20261124);
        String alphabet = "0123456789     ,.$%#{}+-\nab";
        List<String> samples = new ArrayList<>();
        for (int n = 0; n < 3000; n++) {
            StringBuilder s = new StringBuilder();
            int length = 1 + random.nextInt(24);
            for (int c = 0; c < length; c++) s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            samples.add(s.toString());
        }
        Path input = dir.resolve("samples.txt");
        Files.writeString(input, String.join("\u0000", samples), StandardCharsets.UTF_8);
        String script = String.join("\n",
                "import re, sys",
                "P = re.compile(r'" + Gsm8kAnswers.LAST_DIGIT.pattern().replace("'", "\\'") + "')",
                "out = []",
                "for s in open(sys.argv[1], encoding='utf-8').read().split('\\0'):",
                "    g = s.strip('.').replace('\\n', '\\\\n')",
                "    m = list(P.finditer(g))",
                "    d = m[-1].group().replace(',', '').replace('+', '') if m else None",
                "    try:",
                "        v = repr(eval(d)) if d else '[invalid]'",
                "    except Exception:",
                "        v = '[invalid]'",
                "    out.append(v)",
                "print('\\n'.join(out))");
        Process process = new ProcessBuilder(python.toString(), "-c", script, input.toString()).redirectErrorStream(true).start();
        List<String> expected = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        assertEquals(0, process.waitFor());
        assertEquals(samples.size(), expected.size());
        int compared = 0;
        for (int i = 0; i < samples.size(); i++) {
            Optional<BigDecimal> ours = Gsm8kAnswers.extract(samples.get(i));
            String theirs = expected.get(i);
            if (theirs.equals("[invalid]")) {
                assertTrue(ours.isEmpty(), "sample " + i + " " + quoted(samples.get(i)) + ": expected invalid, got " + ours);
            } else {
                assertTrue(ours.isPresent(), "sample " + i + " " + quoted(samples.get(i)) + ": expected " + theirs);
                assertEquals(0, ours.get().compareTo(new BigDecimal(theirs)), "sample " + i + " " + quoted(samples.get(i)));
                compared++;
            }
        }
        assertTrue(compared > 300, "enough samples had a number: " + compared);
    }

    private static String quoted(String s) { return "\"" + s.replace("\n", "\\n") + "\""; }
}
