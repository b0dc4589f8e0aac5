package dev.evalbox.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Choosing a backend: by name, or "auto" for the available one with the highest priority. */
class SandboxProvidersTest {
    /** An image no engine has, so Docker is never available here, with or without an engine. */
    private static final SandboxSpec NO_IMAGE = SandboxSpec.python().image("evalbox/not-built-" + ProcessHandle.current().pid() + ":0").build();

    @Test
    void everyProviderOnTheClassPathIsFoundHighestPriorityFirst() {
        assertEquals(List.of("docker", "local", "subprocess", "auto"), SandboxProviders.names());
    }

    @Test
    void anUnknownNameSaysWhichExist() {
        var e = assertThrows(SandboxProviders.BackendUnavailableException.class,
                () -> SandboxProviders.open("nonsense", NO_IMAGE, note -> { }));
        assertEquals("unknown backend \"nonsense\": use docker, local, subprocess or auto", e.getMessage());
    }

    @Test
    void aNamedBackendThatCannotRunSaysWhy() {
        var e = assertThrows(SandboxProviders.BackendUnavailableException.class,
                () -> SandboxProviders.open("docker", NO_IMAGE, note -> { }));
        assertEquals("docker", e.backend());
        assertTrue(e.getMessage().contains("no Docker engine answers") || e.getMessage().contains(NO_IMAGE.image() + " is not built"), e.getMessage());
    }

    @Test
    void autoPassesOverWhatCannotRunAndSaysTheChoiceIsNotIsolated() {
        List<String> notes = new ArrayList<>();
        try (SandboxProvider chosen = SandboxProviders.open(SandboxProviders.AUTO, NO_IMAGE, notes::add)) {
            assertEquals("local", chosen.name());
        }
        assertEquals(1, notes.size(), notes.toString());
        assertTrue(notes.get(0).startsWith("using the local backend, which is NOT isolated: "), notes.get(0));
    }

    @Test
    void autoWithNothingAvailableListsEveryReason() {
        SandboxSpec nothing = NO_IMAGE.toBuilder().pythonExecutable("/nonexistent/python3").build();
        var e = assertThrows(SandboxProviders.BackendUnavailableException.class,
                () -> SandboxProviders.open(SandboxProviders.AUTO, nothing, note -> { }));
        assertTrue(e.getMessage().startsWith("no sandbox backend can run here: docker: "), e.getMessage());
        assertTrue(e.getMessage().contains("; local: no Python interpreter /nonexistent/python3"), e.getMessage());
    }
}
