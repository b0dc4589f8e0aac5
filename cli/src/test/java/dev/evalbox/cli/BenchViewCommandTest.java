package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.unittests.report.ChromiumRequired;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * `evalbox bench view` end to end on a small generated run (300 tasks, two rounds so the warm rows are
 * there too): the printed table has every row with a number and its unit, and the rows with a goal say
 * whether it is met. Nothing timed is asserted: the numbers are whatever this machine gives; the test
 * is that the command still runs its whole course and reports all of it.
 */
@Tag("chromium")
class BenchViewCommandTest {
    // each row of the table: its name, then its value and unit, anchor, goal and met
    private static final Map<String, String> ROWS = new LinkedHashMap<>();

    static {
        ROWS.put("runs page, first render (server indexes the run)", "ms");
        ROWS.put("runs page, first render (warm), median", "ms");
        ROWS.put("run page, first render (server indexes trajectories)", "ms");
        ROWS.put("run page, first render (warm), median", "ms");
        ROWS.put("run page, filter change, median", "ms");
        ROWS.put("run page, filter change, slowest", "ms");
        ROWS.put("task page, first render, median", "ms");
        ROWS.put("run page, live update (a line appended to results.jsonl, to its row drawn), median of 7", "ms");
        ROWS.put("runs page, live update (the same line, to the run's tasks done), median of 7", "ms");
        ROWS.put("server resident memory at the end", "MB");
        ROWS.put("server peak resident memory", "MB");
        ROWS.put("size of the run's results and trajectories", "MB");
    }

    @Test
    void theTableHasEveryRowWithANumber() {
        ChromiumRequired.check();
        CommandRunner.Result result = CommandRunner.run("bench", "view", "--tasks", "300", "--turns", "2", "--rounds", "2",
                "--chromium", ChromiumRequired.CHROMIUM.toString());
        assertEquals(0, result.exitCode(), result.out() + result.err());
        String table = result.out();
        System.out.println(table); // the numbers of this run, in the test's report
        assertTrue(table.startsWith("evalbox view: 300 tasks x 2 turns with figures, headless Chromium\n"), table);
        int rows = 0;
        for (String line : table.split("\n")) {
            if (line.matches("^[a-z].*  +-?[0-9.]+ (ms|MB)  .*")) rows++;
        }
        assertEquals(ROWS.size(), rows, "no row more or less than these:\n" + table);
        for (Map.Entry<String, String> row : ROWS.entrySet()) {
            Matcher m = Pattern.compile("^" + Pattern.quote(row.getKey()) + " +(-?[0-9]+(?:\\.[0-9]+)?) " + row.getValue() + " +- +(.*)$",
                    Pattern.MULTILINE).matcher(table);
            assertTrue(m.find(), "no row \"" + row.getKey() + "\" with a number in " + row.getValue() + ":\n" + table);
            double value = Double.parseDouble(m.group(1));
            assertTrue(value > 0, row.getKey() + ": " + value);
            String goalAndMet = m.group(2).strip();
            if (row.getValue().equals("ms")) {
                assertTrue(goalAndMet.matches("< (1000|2000) ms +(yes|NO)"), row.getKey() + " has a goal and says if it is met: " + goalAndMet);
            } else {
                assertTrue(goalAndMet.matches("- +-"), row.getKey() + " has no goal: " + goalAndMet);
            }
        }
        assertTrue(Pattern.compile("live update, slowest of 7: run page [0-9.]+ ms, runs page [0-9.]+ ms").matcher(table).find(), table);
        assertTrue(List.of("all goals met", "some goals NOT met").stream().anyMatch(table::contains), table);
        assertTrue(result.err().contains("generated 300 tasks"), "progress goes to stderr: " + result.err());
    }
}
