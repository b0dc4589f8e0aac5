package dev.evalbox.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance on real data: `evalbox grade pybench` on two published PyBench runs, then
 * `evalbox compare --json`, gives the 2x2 table that derived/replay_expected.tsv implies, the tasks that
 * flipped, and the McNemar p-value computed here by hand from that table.
 */
@Tag("docker")
@Tag("shared-data")
class ComparePublishedRunsTest {
    private static final String A = "PyLlama3_abla_ultrachat";
    private static final String B = "PyLlama3_3konly";

    @Test
    void gradingTwoPublishedRunsAndComparingThemGivesTheExpectedTableAndPValue(@TempDir Path runs) throws Exception {
        String configured = System.getenv("EVALBOX_SHARED_DATA");
        Path pybench = configured != null ? Path.of(configured, "pybench") : null;
        for (Path dir = Path.of("").toAbsolutePath(); dir != null && pybench == null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("shared/data/pybench/data/meta"))) pybench = dir.resolve("shared/data/pybench");
        }
        Assumptions.assumeTrue(pybench != null && Files.isDirectory(pybench.resolve("published_runs")),
                "skipping: ../shared/data/pybench (or $EVALBOX_SHARED_DATA/pybench) is not on this machine");
        for (String run : List.of(A, B)) {
            CommandRunner.Result graded = CommandRunner.run("grade", "pybench", "--backend", "docker", "--pybench-dir", pybench.toString(),
                    "--trajectory", pybench.resolve("published_runs/" + run + "/trajectory.jsonl").toString(),
                    "--categories", pybench.resolve("derived/task_index.tsv").toString(), "--out", runs.resolve(run).toString());
            assertEquals(0, graded.exitCode(), graded.err());
            assertTrue(graded.out().contains("uncertainty (value ± stderr [95% interval]"), "the console summary shows the intervals:\n" + graded.out());
            System.out.println(graded.out()); // the measured summary, in the test's output file
        }

        // what the expected verdicts imply, counted here from the TSV
        List<String> lines = Files.readAllLines(pybench.resolve("derived/replay_expected.tsv"));
        List<String> header = List.of(lines.get(0).split("\t"));
        int both = 0, aOnly = 0, bOnly = 0, neither = 0;
        List<String> flipped = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            boolean a = cells[header.indexOf(A)].equals("Pass");
            boolean b = cells[header.indexOf(B)].equals("Pass");
            if (a && b) both++; else if (a) aOnly++; else if (b) bOnly++; else neither++;
            if (a != b) flipped.add(cells[0]);
        }
        assertEquals(143, both + aOnly + bOnly + neither);

        Path html = runs.resolve("compare.html");
        CommandRunner.Result compared = CommandRunner.run("compare", "--json", "--html", html.toString(),
                runs.resolve(A).toString(), runs.resolve(B).toString());
        assertEquals(0, compared.exitCode(), compared.err());
        JsonNode pair = new ObjectMapper().readTree(compared.out()).path("pairs").get(0);
        assertEquals(143, pair.path("tasks").asInt());
        assertEquals(both, pair.path("both").asInt());
        assertEquals(aOnly, pair.path("a_only").asInt());
        assertEquals(bOnly, pair.path("b_only").asInt());
        assertEquals(neither, pair.path("neither").asInt());
        assertEquals(List.of(10, 74, 2, 57), List.of(both, aOnly, bOnly, neither), "the table of the two published runs");
        List<String> reported = new ArrayList<>();
        pair.path("flipped").forEach(t -> reported.add(t.asText()));
        assertEquals(flipped.stream().sorted().toList(), reported.stream().sorted().toList());

        // McNemar by hand: two-sided exact binomial on the discordant tasks, 2 * sum_{i <= min} C(n, i) / 2^n
        int n = aOnly + bOnly;
        BigInteger tail = BigInteger.ZERO;
        BigInteger c = BigInteger.ONE; // C(n, 0)
        for (int i = 0; i <= Math.min(aOnly, bOnly); i++) {
            tail = tail.add(c);
            c = c.multiply(BigInteger.valueOf(n - i)).divide(BigInteger.valueOf(i + 1));
        }
        double p = new BigDecimal(tail.shiftLeft(1)).divide(new BigDecimal(BigInteger.TWO.pow(n)), MathContext.DECIMAL128).doubleValue();
        assertEquals(p, pair.path("p_value").asDouble(), p * 1e-9);
        assertEquals(2 * (1 + 76 + 76 * 75 / 2) / Math.pow(2, 76), p, 1e-30); // 2 * 2927 / 2^76 = 7.75e-20
        // the difference in pass rate: (74 - 2) / 143 in points
        assertEquals(100.0 * (aOnly - bOnly) / 143, pair.path("difference").asDouble(), 1e-9);
        assertTrue(pair.path("ci_low").asDouble() < pair.path("difference").asDouble() && pair.path("difference").asDouble() < pair.path("ci_high").asDouble());
        assertTrue(Files.readString(html).contains("class=\"num a-only\">74<"), "compare.html has the table");

        CommandRunner.Result table = CommandRunner.run("compare", "--no-html", runs.resolve(A).toString(), runs.resolve(B).toString());
        assertEquals(0, table.exitCode(), table.err());
        assertTrue(table.out().contains("McNemar exact p = 7.75e-20"), table.out());
        System.out.println(table.out()); // the measured table, in the test's output file

        JsonNode metrics = new ObjectMapper().readTree(runs.resolve(A).resolve("metrics.json").toFile());
        JsonNode rate = metrics.path("uncertainty").path("metrics").path("/pass_rate");
        assertEquals(metrics.path("pass_rate").asDouble(), rate.path("value").asDouble(), 1e-9, "the interval is around the reported number");
        double q = 84.0 / 143;
        assertEquals(100 * Math.sqrt(q * (1 - q) * 143 / 142 / 143), rate.path("stderr").asDouble(), 1e-9);
        assertEquals("pass_rate", metrics.path("headline").asText());
    }
}
