package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cells that try to forge what the driver reports (replies, outputs, status, readiness) by every way
 * they can find: every descriptor they hold or can open, a process they start, the driver's objects
 * through gc, the driver process through ctypes. Each test asserts the real reply (its status, the
 * outputs exactly as the cell wrote them, the session's state) and that the next cell is unaffected.
 * The hostile code is {@code forgery.py} next to this class; one subclass per backend.
 */
abstract class ForgedReportsContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TAG = "f0rg3d";

    private Sandbox sandbox;
    private SandboxInfo info;

    /** A fresh sandbox of the backend under test. */
    protected abstract Sandbox open();

    /** Where forgery.py may write: "container" (every process in it) or "driver" (the driver's only, on a host). */
    protected abstract String scope();

    protected Sandbox sandbox() { return sandbox; }

    @BeforeEach
    void openWithTheForgeryModule() {
        sandbox = open();
        info = sandbox.info();
        sandbox.upload(resource("forgery.py"), "forgery.py");
        ExecutionResult loaded = sandbox.execute("import os, sys, json\nsys.path.insert(0, os.getcwd())\nimport forgery\nforged_state = 'kept'");
        assertEquals(ExecutionStatus.OK, loaded.status(), loaded.toString());
    }

    @AfterEach
    void close() {
        if (sandbox != null) sandbox.close();
    }

    @Test
    void forgedLinesOnEveryDescriptorAreOnlyTheCellsOwnText() throws IOException {
        ExecutionResult forged = sandbox.execute(String.join("\n",
                "record = forgery.forge_everywhere('" + TAG + "', '" + scope() + "', os.getppid())",
                "child = forgery.forge_from_a_child('" + TAG + "', '" + scope() + "', os.getppid())",
                "json.dump({'stdout': record['stdout'] + child['stdout'], 'stderr': record['stderr'] + child['stderr'],",
                "           'driver_reached': record['driver_reached'] + child['driver_reached'],",
                "           'driver_refused': record['driver_refused'] + child['driver_refused'],",
                "           'written': record['written'] + child['written']}, open('forged.json', 'w'))",
                "raise ValueError('the real error')"), Duration.ofSeconds(120));
        JsonNode record = JSON.readTree(sandbox.download("forged.json"));
        System.out.printf("[forgery] %s: wrote through %s; the driver refused %d attempts%n", getClass().getSimpleName(),
                record.path("written"), record.path("driver_refused").size());

        assertEquals(ExecutionStatus.ERROR, forged.status(), summary(forged));
        assertOnlyStreamsAndTheRealError(forged, "ValueError", "the real error");
        assertSameText("stdout", record.path("stdout").asText(), forged.stdout());
        assertSameText("stderr", record.path("stderr").asText(), forged.stderr());
        assertTrue(record.path("stdout").asText().contains("FORGED " + TAG), "the cell did write forged lines to its stdout");
        assertEquals(0, record.path("driver_reached").size(), "descriptors of the driver the cell wrote to: " + record.path("driver_reached"));
        assertTrue(record.path("driver_refused").size() > 0, "the cell found no way to try the driver's descriptors");
        assertUnaffected();
    }

    @Test
    void gcAndCtypesReachNoneOfTheDriversObjectsOrDescriptors() throws IOException {
        ExecutionResult tried = sandbox.execute(String.join("\n",
                "print('before')",
                "json.dump(forgery.call_and_patch_the_driver('" + TAG + "'), open('gc.json', 'w'))",
                "print('after')",
                "'the real result'"), Duration.ofSeconds(60));
        JsonNode record = JSON.readTree(sandbox.download("gc.json"));
        System.out.printf("[forgery] %s: gc and ctypes: %s%n", getClass().getSimpleName(), record);

        assertEquals(ExecutionStatus.OK, tried.status(), summary(tried));
        assertEquals("before\nafter\n", tried.stdout());
        assertEquals("", tried.stderr());
        assertEquals("'the real result'", tried.result().flatMap(Output.MimeBundle::plainText).orElseThrow());
        assertEquals(2, tried.outputs().size(), "the printed text (one stream once coalesced) and the result only: " + tried.outputs());
        // The fork left a copy of the driver's objects in the runner: the cell found and used them, to no effect.
        assertTrue(record.path("objects").toString().contains("Driver"), "the driver's objects were not found: " + record);
        for (JsonNode call : record.path("calls")) {
            assertFalse(call.asText().startsWith("wrote"), "a write through the driver's objects went through: " + call);
        }
        JsonNode ctypes = record.path("ctypes");
        for (String way : List.of("ptrace attach", "ptrace seize", "/proc/pid/mem", "process_vm_writev")) {
            assertNotEquals("ok", ctypes.path(way).asText(), way + " reached the driver");
        }
        assertFalse(ctypes.path("pidfd_getfd").asText().startsWith("stole"), "pidfd_getfd: " + ctypes.path("pidfd_getfd"));
        assertUnaffected();
    }

    @Test
    void earlyRepliesReadinessAndEndingsAreNotTaken() {
        ExecutionResult forged = sandbox.execute(String.join("\n",
                "refused = forgery.forge_early('" + TAG + "')",
                "total = sum(range(100000))",
                "print('after the forgeries', total)",
                "raise ValueError('the real end')"), Duration.ofSeconds(60));
        // Had any forged line been taken for a reply, the reply would have come before the cell went on.
        assertEquals(ExecutionStatus.ERROR, forged.status(), summary(forged));
        assertOnlyStreamsAndTheRealError(forged, "ValueError", "the real end");
        assertTrue(forged.stdout().endsWith("after the forgeries 4999950000\n"), summary(forged));
        assertTrue(forged.stdout().contains("\"msg_type\": \"execute_reply\""), "the forged lines are the cell's text");
        assertTrue(forged.stderr().contains("\"msg_type\": \"ready\""), "the forged lines are the cell's text");
        assertUnaffected();
    }

    @Test
    void aClaimOfSuccessCannotHideATimeout() {
        ExecutionResult claimed = sandbox.execute("forgery.claim_success_at_the_deadline()", Duration.ofSeconds(2));
        // The deadline is the driver's own observation: whatever the runner then says, the cell timed out.
        assertEquals(ExecutionStatus.TIMEOUT, claimed.status(), summary(claimed));
        assertFalse(claimed.stateLost(), claimed.message());
        assertUnaffected();
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The session is the one it was (its info, its variables) and the next cell's reply is exactly its own. */
    protected void assertUnaffected() {
        assertTrue(sandbox.isAlive());
        assertEquals(info, sandbox.info(), "the sandbox's info changed");
        ExecutionResult next = sandbox.execute("print('next')\n(forged_state, 6 * 7)", Duration.ofSeconds(60));
        assertEquals(ExecutionStatus.OK, next.status(), summary(next));
        assertEquals("next\n", next.stdout());
        assertEquals("('kept', 42)", next.result().flatMap(Output.MimeBundle::plainText).orElseThrow());
        assertEquals(2, next.outputs().size(), "the print and the result only: " + next.outputs());
        assertEquals(0, next.droppedBytes());
    }

    private static void assertOnlyStreamsAndTheRealError(ExecutionResult result, String ename, String evalue) {
        List<Output> others = new ArrayList<>();
        List<Output.Error> errors = new ArrayList<>();
        for (Output output : result.outputs()) {
            if (output instanceof Output.Error e) {
                errors.add(e);
            } else if (!(output instanceof Output.Stream)) {
                others.add(output);
            }
        }
        assertEquals(List.of(), others, "outputs other than the cell's text and its error");
        assertEquals(1, errors.size(), "errors: " + errors);
        assertEquals(ename, errors.get(0).ename());
        assertEquals(evalue, errors.get(0).evalue());
    }

    /** Equal texts, reported by length and first difference (they are long). */
    private static void assertSameText(String what, String expected, String actual) {
        if (expected.equals(actual)) return;
        int i = 0;
        while (i < Math.min(expected.length(), actual.length()) && expected.charAt(i) == actual.charAt(i)) i++;
        throw new AssertionError(what + ": expected " + expected.length() + " chars, got " + actual.length()
                + "; first difference at " + i + ": expected «" + excerpt(expected, i) + "» got «" + excerpt(actual, i) + "»");
    }

    private static String excerpt(String text, int at) {
        return text.substring(Math.max(0, at - 40), Math.min(text.length(), at + 80));
    }

    static String summary(ExecutionResult result) {
        String text = result.status() + " " + result.message() + " error=" + result.error().map(e -> e.ename() + ": " + e.evalue()).orElse("-")
                + " stdout=" + result.stdout().length() + " chars, outputs=" + result.outputs().size();
        return text.length() > 2000 ? text.substring(0, 2000) : text;
    }

    private static byte[] resource(String name) {
        try (InputStream in = ForgedReportsContract.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " is missing from the test resources");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
