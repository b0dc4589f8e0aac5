package dev.evalbox.kernel.notebook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.evalbox.unittests.compare.Comparison;
import dev.evalbox.unittests.report.CompareReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareViewTest {

    private static Path run(Path dir, String model, String rows) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("run.json"), "{\"benchmark\":\"pybench\",\"model\":{\"name\":\"" + model + "\"}}");
        Files.writeString(dir.resolve("results.jsonl"), rows);
        return dir;
    }

    @Test
    void compareRendersWhatComparePageRendersWithTheTableAsText(@TempDir Path dir) throws Exception {
        Path a = run(dir.resolve("a"), "m-a", """
                {"task_id":"1","epoch":1,"sample":0,"passed":true,"reason":""}
                {"task_id":"2","epoch":1,"sample":0,"passed":true,"reason":""}
                {"task_id":"3","epoch":1,"sample":0,"passed":false,"reason":"x"}
                """);
        Path b = run(dir.resolve("b"), "m-b", """
                {"task_id":"1","epoch":1,"sample":0,"passed":false,"reason":"x"}
                {"task_id":"2","epoch":1,"sample":0,"passed":true,"reason":""}
                {"task_id":"3","epoch":1,"sample":0,"passed":false,"reason":"x"}
                """);
        CompareView view = Notebook.compare(a.toString(), b.toString());
        MimeBundle bundle = view.bundle();
        String html = (String) bundle.data().get("text/html");
        String page = new CompareReport(Comparison.of(List.of(a, b))).render(Path.of("").toAbsolutePath());
        assertTrue(page.contains(html), "the notebook shows the page's content, from the same renderer");
        assertTrue(html.contains("<td class=\"num both\">1</td>") && html.contains("<td class=\"num a-only\">1</td>"), html);
        String text = (String) bundle.data().get("text/plain");
        assertTrue(text.contains("m-a  vs  m-b   (pybench, 3 paired tasks)"), text);
        assertEquals(bundle.data(), Notebook.render(view).get("data"), "the kernel renders a CompareView through its renderers");
    }
}
