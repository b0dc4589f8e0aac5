package dev.evalbox.kernel;

import dev.evalbox.agentloop.model.ChatMessage;
import dev.evalbox.agentloop.model.Usage;
import dev.evalbox.agentloop.trajectory.TrajectoryEvent;
import dev.evalbox.agentloop.trajectory.TrajectoryWriter;
import dev.evalbox.kernel.wire.Message;
import dev.evalbox.sandbox.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** Magics through the protocol: cell and line magics, %%python in the notebook's (local) sandbox, %trajectory, %time. */
class KernelMagicsTest extends RunningKernel {
    private static final Duration WAIT = Duration.ofSeconds(120);

    private record Ran(Message reply, List<Message> iopub) {
        String streams() {
            return iopub.stream().filter(m -> m.type().equals("stream")).map(m -> m.content().path("text").asText())
                    .reduce("", String::concat);
        }

        Optional<Message> first(String type) {
            return iopub.stream().filter(m -> m.type().equals(type)).findFirst();
        }

        String status() {
            return reply.content().path("status").asText();
        }
    }

    private Ran run(String code) {
        Message request = client.execute(code);
        Message reply = client.reply(client.shell, request, WAIT);
        return new Ran(reply, client.iopubUntilIdle(request, WAIT));
    }

    @Test
    void cellMagicsShowHtmlAndMarkdown() {
        Ran html = run("%%html\n<b>bold</b>");
        assertEquals("ok", html.status());
        assertEquals("<b>bold</b>", html.first("display_data").orElseThrow().content().path("data").path("text/html").asText());
        Ran markdown = run("%%markdown\n# Title");
        assertEquals("# Title", markdown.first("display_data").orElseThrow().content().path("data").path("text/markdown").asText());
    }

    @Test
    void lineMagicsRunBetweenJavaLines() {
        Ran ran = run("int before = 20;\n%time int slow = before + 1;\nslow * 2");
        assertEquals("ok", ran.status());
        assertTrue(ran.streams().contains("Wall time:"), ran.streams());
        assertEquals("42", ran.first("execute_result").orElseThrow().content().path("data").path("text/plain").asText());
    }

    @Test
    void helpListsTheMagicsAndEveryMagicTakesHelp() {
        Ran help = run("%help");
        assertTrue(help.first("execute_result").orElseThrow().content().path("data").path("text/plain").asText().contains("%%python"));
        Ran sandboxHelp = run("%sandbox open --help");
        assertEquals("ok", sandboxHelp.status());
        assertTrue(sandboxHelp.streams().contains("--task"), sandboxHelp.streams());
        Ran unknown = run("%nosuchmagic");
        assertEquals("error", unknown.status());
        assertTrue(unknown.reply().content().path("evalue").asText().contains("unknown magic"));
    }

    @Test
    void pythonCellsRunInTheNotebooksSandboxAsAPythonKernelWould() {
        assertEquals("ok", run("%sandbox open --backend local").status());
        Ran ran = run("%%python\nimport sys\nprint('hello from', sys.version_info[0])\nx = 40\nx + 2");
        assertEquals("ok", ran.status(), ran.reply().content().toString());
        assertTrue(ran.streams().contains("hello from 3"), ran.streams());
        assertEquals("42", ran.first("execute_result").orElseThrow().content().path("data").path("text/plain").asText());
        Ran state = run("%%python\nx * 10");
        assertEquals("400", state.first("execute_result").orElseThrow().content().path("data").path("text/plain").asText());
        Ran error = run("%%python\n1 / 0");
        assertEquals("error", error.status());
        assertEquals("ZeroDivisionError", error.reply().content().path("ename").asText());
        Ran fromJava = run("python(\"print(6 * 7)\");\nsandbox().backend()");
        assertTrue(fromJava.streams().contains("42"));
        assertEquals("\"local\"", fromJava.first("execute_result").orElseThrow().content().path("data").path("text/plain").asText());
        assertEquals("ok", run("%sandbox close").status());
    }

    @Test
    void aSandboxResultRendersWithItsImagesInline() {
        assertEquals("ok", run("%sandbox open --backend local").status());
        Ran ran = run("sandbox().execute(\"import matplotlib.pyplot as plt\\n"
                + "plt.plot([1, 2, 3])\\nplt.show()\\nprint('plotted')\")");
        assertEquals("ok", ran.status(), ran.reply().content().toString());
        var data = ran.first("execute_result").orElseThrow().content().path("data");
        assertTrue(data.path("text/html").asText().contains("src=\"data:image/png;base64,"), data.toString());
        assertTrue(data.path("text/plain").asText().contains("plotted"), data.toString());
        run("%sandbox close");
    }

    @Test
    void interruptReachesAPythonCell() throws Exception {
        assertEquals("ok", run("%sandbox open --backend local").status());
        Message sleeping = client.execute("%%python\nimport time\nprint('sleeping', flush=True)\ntime.sleep(60)");
        client.firstIopub(sleeping, KernelClient.streamContaining("sleeping"), WAIT);
        client.reply(client.control, client.send(client.control, "interrupt_request", Message.object()), WAIT);
        Message reply = client.reply(client.shell, sleeping, WAIT);
        assertEquals("KeyboardInterrupt", reply.content().path("ename").asText(), reply.content().toString());
        Ran after = run("%%python\n'still here'");
        assertEquals("'still here'", after.first("execute_result").orElseThrow().content().path("data").path("text/plain").asText());
        run("%sandbox close");
    }

    @Test
    void trajectoryShowRendersTheConversation(@TempDir Path runDir) throws Exception {
        Instant now = Instant.now();
        try (TrajectoryWriter writer = new TrajectoryWriter(runDir.resolve("trajectories.jsonl"))) {
            writer.write(new TrajectoryEvent.TaskStarted("t1", now, "pybench", "m", List.of(new ChatMessage("user", "plot it", List.of()))));
            writer.write(new TrajectoryEvent.ModelResponse("t1", now, 1, "```python\nprint(1)\n```", new Usage(1, 1), 5, 1, null));
            writer.write(new TrajectoryEvent.CodeExecution("t1", now, 1, "print(1)", "ok",
                    List.of(new Output.Stream("stdout", "1\n")), 3, false, ""));
            writer.write(new TrajectoryEvent.TaskFinished("t1", now, "no_code", 1, "done", new Usage(1, 1)));
        }
        Ran ran = run("%trajectory show " + runDir + " t1");
        assertEquals("ok", ran.status(), ran.reply().content().toString());
        String html = ran.first("execute_result").orElseThrow().content().path("data").path("text/html").asText();
        assertTrue(html.contains("plot it") && html.contains("print") && html.contains("no_code"), html);
        assertTrue(html.contains("class=\"evalbox-trajectory\"") && html.contains("class=\"evalbox-task\"") && html.contains("<pre class=\"code\">"),
                "the viewer's transcript, marked as a trajectory: " + html);
        Ran missing = run("%trajectory show " + runDir + " nope");
        assertEquals("error", missing.status());
        assertTrue(Files.exists(runDir.resolve("trajectories.jsonl")));
    }
}
