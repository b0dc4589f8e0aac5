package dev.evalbox.cli;

import dev.evalbox.unittests.eval.UserException;
import dev.evalbox.unittests.report.RunReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Writes report.html for a run directory. */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write RUN/report.html, a page for reading a run in a browser.",
                "It shows the benchmark, model and date, the run's pass rate, a per-category table and chart, and every task's",
                "conversation (code highlighted, observations, figures, files written) with its verdict and reason;",
                "a benchmark whose rows do not fit that page brings its own (judge scores by category and difficulty, say,",
                "with each task's screenshots, render outcome and judge reply)."})
final class ReportCommand implements Callable<Integer> {
    @Parameters(paramLabel = "RUN", description = "A run directory (with results.jsonl).")
    Path run;

    @Override
    public Integer call() {
        if (!Files.isRegularFile(run.resolve("results.jsonl"))) {
            throw new UserException(run + " is not a run directory: it has no results.jsonl");
        }
        Path report = new RunReport(run).write();
        System.out.println("report: " + report.toAbsolutePath());
        return 0;
    }
}
