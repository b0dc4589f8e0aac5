package dev.evalbox.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.evalbox.unittests.compare.Comparison;
import dev.evalbox.unittests.report.CompareReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code evalbox compare RUN_A RUN_B [RUN ...]}: paired statistics between runs, leaderboards, and compare.html. */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = {"Compare runs: every pair of runs of the same benchmark, paired by task id (tasks in only one run are listed and left out),",
                "a leaderboard per benchmark sorted by its headline metric, and with several benchmarks a table of models x benchmarks.",
                "Pass/fail: the 2x2 table, McNemar's exact test, the difference in pass rate with a paired 95% interval and the tasks that flipped.",
                "Scores: the mean paired difference, a paired bootstrap 95% interval and the sign test.",
                "Prints a table and writes compare.html (the flipped tasks linked to both runs' report.html); --json prints JSON instead of the table.",
                "Directories without results.jsonl among the arguments (say from runs/*) are skipped with a note."})
final class CompareCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", arity = "2..*", description = "Run directories (two or more).")
    List<Path> runs;

    @Option(names = "--json", description = "Print the comparison as JSON (per pair: a, b, benchmark, tasks, both, a_only, b_only, neither, "
            + "difference, ci_low, ci_high, p_value, flipped).")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", defaultValue = "compare.html", description = "Where to write the page. Default: ${DEFAULT-VALUE}.")
    Path html;

    @Option(names = "--no-html", description = "Write no page.")
    boolean noHtml;

    @Override
    public Integer call() throws Exception {
        List<Path> found = new ArrayList<>();
        for (Path run : runs) {
            if (Files.isRegularFile(run.resolve("results.jsonl"))) found.add(run);
            else System.err.println("skipped " + run + ": not a run directory (no results.jsonl)");
        }
        Comparison comparison = Comparison.of(found);
        if (json) {
            System.out.println(new ObjectMapper().writer().with(SerializationFeature.INDENT_OUTPUT).writeValueAsString(comparison.json()));
        } else {
            System.out.print(comparison.text());
        }
        if (!noHtml) {
            Path page = new CompareReport(comparison).write(html);
            (json ? System.err : System.out).println("compare: " + page.toAbsolutePath());
        }
        return 0;
    }
}
