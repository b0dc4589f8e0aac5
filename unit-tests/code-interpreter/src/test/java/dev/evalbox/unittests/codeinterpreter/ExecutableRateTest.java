package dev.evalbox.unittests.codeinterpreter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.sandbox.DockerRequired;
import dev.evalbox.sandbox.DockerSandboxProvider;
import dev.evalbox.sandbox.SandboxPool;
import dev.evalbox.sandbox.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The executable-rate metric on real sandboxes, with records and inputs written here in the benchmark's format. */
@Tag("docker")
class ExecutableRateTest {
    private static DockerSandboxProvider docker;
    private static SandboxPool pool;
    @TempDir
    static Path uploads;
    private static ExecutableRate rate;

    @BeforeAll
    static void start() throws Exception {
        DockerRequired.check();
        Files.writeString(uploads.resolve("sales.csv"), "month,amount\n1,10\n2,30\n3,20\n");
        docker = new DockerSandboxProvider();
        pool = new SandboxPool(docker, 2, 4);
        rate = new ExecutableRate(pool, SandboxSpec.python().build(), uploads, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        pool.close();
        docker.close();
    }

    private static String call(String code) {
        return "Thought: go\nAction: code_interpreter\nAction Input:\n```py\n" + code + "\n```\nObservation: (shown)\nThought: done\nFinal Answer: ok";
    }

    private static CodeInterpreterRecord record(String query, String tag, String... inputs) {
        return new CodeInterpreterRecord(1, query, Set.of("all_ci", tag), "en", List.of(inputs));
    }

    @Test
    void runnableCodeOfEachKindIsExecutable() {
        var math = rate.check(record("What is 2**10?", "math"), call("def solution():\n    print(2 ** 10)"));
        assertTrue(math.executable(), math.errorInfo());
        var plot = rate.check(record("Plot the sales.", "visualization", "upload_file_clean/sales.csv"),
                call("df = pd.read_csv('sales.csv')\ndf.plot(x='month', y='amount')\nplt.show()"));
        assertTrue(plot.executable(), plot.errorInfo());
        assertTrue(plot.code().contains("'/work/upload_file/sales.csv'"), plot.code());
        var easy = rate.check(new CodeInterpreterRecord(2, "Plot it<|im_end|>\n<|im_start|>assistant\nThought: load\nAction: code_interpreter\n"
                        + "Action Input:\n```py\ndf = pd.read_csv('sales.csv')\n```\nObservation: ok\nThought:", Set.of("visualization"), "zh",
                        List.of("upload_file_clean/sales.csv")),
                call("sns.barplot(data=df, x='month', y='amount')"));
        assertTrue(easy.executable(), "the prefilled code defines df: " + easy.errorInfo());
    }

    @Test
    void failuresAreNamed() {
        var error = rate.check(record("Summarise.", "general"), call("print(undefined_name)"));
        assertFalse(error.executable());
        assertEquals("NameError: name 'undefined_name' is not defined", error.errorInfo());
        var missing = rate.check(record("Summarise.", "general"), "Thought: I know.\nFinal Answer: nothing to run");
        assertTrue(missing.missingCode());
        assertEquals("missing code", missing.errorInfo());
        var module = rate.check(record("Use it.", "general"), call("import evalbox_no_such_module"));
        assertEquals("ModuleNotFoundError: No module named 'evalbox_no_such_module'", module.errorInfo());
        var slow = rate.check(record("Loop.", "math"), call("while True:\n    pass"));
        assertFalse(slow.executable());
        assertEquals("timed out after 10 s", slow.errorInfo());
        assertEquals(Duration.ofSeconds(60), error.limit(), "general items get evalbox's cap, and it is recorded");
    }

    @Test
    void withoutAnUploadFolderCodeThatReadsAnInputFailsOnItAndTheRestRuns() {
        // The benchmark gives the code the file's path whether or not the file is there; without it,
        // reading fails inside the program and the item is not executable. Nothing else changes.
        ExecutableRate noUploads = new ExecutableRate(pool, SandboxSpec.python().build(), null, Duration.ofSeconds(60));
        var reads = noUploads.check(record("Plot the sales.", "visualization", "upload_file_clean/sales.csv"),
                call("df = pd.read_csv('sales.csv')\nprint(len(df))"));
        assertFalse(reads.executable());
        assertTrue(reads.errorInfo().startsWith("FileNotFoundError"), reads.errorInfo());
        assertTrue(reads.code().contains("'/work/upload_file/sales.csv'"), reads.code());
        var ignores = noUploads.check(record("Plot a line.", "visualization", "upload_file_clean/sales.csv"),
                call("plt.plot([1, 2, 3])\nplt.show()"));
        assertTrue(ignores.executable(), ignores.errorInfo());
        var plain = noUploads.check(record("What is 2**10?", "math"), call("print(2 ** 10)"));
        assertTrue(plain.executable(), plain.errorInfo());
    }
}
